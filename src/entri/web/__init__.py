"""The web app for translators and reviewers (docs/web.md)."""
