"""Suggestions: candidate texts kept beside a translation's current value (docs/suggestions.md)."""
