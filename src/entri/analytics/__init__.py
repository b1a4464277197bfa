"""Analytics: progress, progress over time, contributors, overview, AI quality (docs/analytics.md)."""
