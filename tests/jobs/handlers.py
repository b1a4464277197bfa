"""Handler kinds for tests that run a real `entri worker` subprocess
(`entri worker --import tests.jobs.handlers`).

`test.count` logs every call to the file named in the job's payload *before* its simulated
provider call, then reports the item done: the log is what a provider would have been billed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from entri.jobs.context import Item, JobContext
from entri.jobs.registry import register

COUNT_KIND = "test.count"


def count_calls(ctx: JobContext, items: Sequence[Item]) -> None:
    log = Path(ctx.payload["log"])
    delay = float(ctx.payload.get("delay", 0.02))
    for item in items:
        if ctx.cancelled:
            return
        with log.open("a") as handle:
            handle.write(f"{item.seq} {os.getpid()}\n")
        time.sleep(delay)  # the provider call
        ctx.done(item.seq, {"pid": os.getpid()})


register(COUNT_KIND, count_calls, batch_size=4)
