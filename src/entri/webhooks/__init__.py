"""Webhooks: subscriptions, the durable outbox fed by domain events, and delivery by the job
workers (docs/webhooks.md)."""
