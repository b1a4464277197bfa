"""Durable background jobs: rows in our database with per-item state, run by workers that claim
them under a lease (docs/jobs.md). Domains enqueue with `entri.jobs.service.enqueue` and
register a handler per kind with `entri.jobs.registry.register`."""
