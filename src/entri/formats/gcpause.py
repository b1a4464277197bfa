"""Pause the cyclic garbage collector around bulk object building (codecs, import, export)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Defer the cyclic GC while code builds a few container objects per entry.

    On CPython 3.11 the young-generation collections otherwise rescan the growing object graph and
    double the time of a 100k-key import or export; nothing built there is cyclic garbage, so
    deferring costs no memory. The previous state is restored (nesting-safe).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
