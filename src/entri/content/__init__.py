"""Orchestration over keys and translations: the operations that need both slices.

`keys` knows nothing of translations and `translations` only reads key identity; creating a
key with its source text, listing keys with their source values or filters on translated text,
overwriting values by key name and importing a file all live here or in `files`, above both.
"""
