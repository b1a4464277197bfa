"""The activity trail: an append-only record of every change, written by the domain-event
subscriber in the transaction of the change itself (docs/activity.md)."""
