"""The data of the import floor (`../shared/bench/floor_import.py`), generated the same way.

The shared floor builds its file in-process from `random.seed(1)`: N keys `k<i>` spread over 50
namespaces `ns<i % 50>` and 40 groups `g<(i // 50) % 40>`, each value six random lowercase
words plus ` {name}`. The benches must import *that* file for their ratios to mean anything, so
this module repeats the generator call for call (same seed, same draws, same dict order) and the
benches check the result's byte count against the floor's own `bytes` figure at run time.

Stdlib only: the PostgreSQL floor imports it and its peak RSS must not carry an HTTP client.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any


def make_tree(keys: int) -> dict[str, dict[str, dict[str, str]]]:
    """The floor's tree: {namespace: {group: {key: value}}}, in the floor's insertion order."""
    rng = random.Random(1)

    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))

    tree: dict[str, dict[str, dict[str, str]]] = {}
    for i in range(keys):
        ns, grp = f"ns{i % 50}", f"g{(i // 50) % 40}"
        tree.setdefault(ns, {}).setdefault(grp, {})[f"k{i}"] = " ".join(word() for _ in range(6)) + " {name}"
    return tree


def flatten(tree: dict[str, Any]) -> list[tuple[str, str]]:
    """Dotted key names and values, in file order (what the floor inserts)."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                walk(prefix + k + ".", v)
            else:
                rows.append((prefix + k, v))

    walk("", tree)
    return rows


def nested_bytes(tree: dict[str, Any]) -> bytes:
    """Exactly the floor's `blob` (`json.dumps(tree)`, ASCII, no indentation)."""
    return json.dumps(tree).encode()


def flat_bytes(tree: dict[str, Any]) -> bytes:
    """The same keys as one flat object `{"ns0.g0.k0": "..."}` (the `json-flat` format)."""
    return json.dumps(dict(flatten(tree))).encode()


def with_half_changed(tree: dict[str, Any]) -> dict[str, Any]:
    """A copy in which every second key (in file order) has a new value; the rest are unchanged."""
    out: dict[str, Any] = {}
    n = 0
    for ns, groups in tree.items():
        out[ns] = {}
        for grp, leaves in groups.items():
            out[ns][grp] = {}
            for k, v in leaves.items():
                out[ns][grp][k] = f"{v} (rev 2)" if n % 2 == 0 else v
                n += 1
    return out
