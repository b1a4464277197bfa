"""The webhook domain's vocabulary and limits (docs/webhooks.md): which events a subscription
may name, the retry schedule, the auto-disable threshold, and the sizes the service enforces."""

from __future__ import annotations

from datetime import timedelta

EVENTS: tuple[str, ...] = (
    "key.created",
    "key.deleted",
    "translation.completed",
    "translation.status_changed",
    "language.completed",
    "import.completed",
    "export.completed",
    "ai.job.finished",
    "webhook.test",
)
"""What a subscription's `events` may name (entri-api.md §5 plus `translation.status_changed` and
`ai.job.finished`); `["*"]` subscribes to all of them. `webhook.test` is sent by the test route
whatever the subscription names."""
ALL = "*"
TEST_EVENT = "webhook.test"

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
)
"""Waits after the 1st … 6th failed try: 7 tries in all, the last about 4 h 43 min after the first."""
MAX_TRIES = len(RETRY_DELAYS) + 1
DISABLE_AFTER = 20
"""Consecutive failed deliveries (each after all of its tries) that turn a subscription off."""
PREVIOUS_SECRET_DAYS = 1
"""After a rotation, deliveries carry a signature with the old secret too, this long."""

MAX_URL = 2000
MAX_DESCRIPTION = 1000
MAX_WEBHOOKS = 100
"""Per organization: deliveries fan out per subscription, so the count is bounded."""
RESPONSE_EXCERPT = 1024
"""Bytes of a receiver's response body kept in the delivery log."""
SECRET_PREFIX = "whsec_"
LOG_DAYS = 30
"""Finished deliveries older than this leave the log (pruned as the webhook gets new ones)."""
PRUNE_BATCH = 200
