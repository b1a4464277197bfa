"""The method-style compatibility API: `/compat/api/{api_token}/{method_name}` (docs/compat.md)."""
