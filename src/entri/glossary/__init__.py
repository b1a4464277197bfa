"""Glossaries: org-wide terminology, its matching and the adherence it checks (docs/glossary.md)."""
