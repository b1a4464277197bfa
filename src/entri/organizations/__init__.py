"""organizations: models, schemas, service and router of one vertical slice."""
