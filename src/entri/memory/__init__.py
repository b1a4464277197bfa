"""Translation memory: organization-wide (source, target) segments captured from the write path,
matched in tiers (exact, placeholder-normalized, trigram prefilter + rapidfuzz). docs/memory.md."""
