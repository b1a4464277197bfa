"""Cross-cutting infrastructure: config, database, ids, errors, pagination, auth dependencies."""
