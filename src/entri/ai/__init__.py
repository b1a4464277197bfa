"""AI translation: providers behind one small interface, a placeholder guard, and the service
that saves only what passes the quality checks (docs/ai.md)."""
