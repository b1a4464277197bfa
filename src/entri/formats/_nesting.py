"""Turn flat dot-joined Entri keys back into a tree for nested formats (YAML, PHP arrays).

Keys are opaque strings, so `a` and `a.b` may both exist, and a segment may contain a dot
itself. Splitting naively would make `a` both a leaf and a branch. Rule: a key is split on
dots only down to its shortest proper prefix that is itself a key; the rest stays one
segment (`"a.b"` under the root when `a` exists). Joining the path again gives the same key,
which is all the parsers need for `parse(render(c)) == c`.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Branch(Generic[T]):
    """An ordered mapping segment -> Branch | leaf; insertion order is first-use order."""

    __slots__ = ("children",)

    def __init__(self) -> None:
        self.children: dict[str, Branch[T] | T] = {}


def path_of(key: str, keys: set[str]) -> list[str]:
    segments = key.split(".")
    prefix = ""
    for index in range(1, len(segments)):
        prefix = segments[0] if index == 1 else prefix + "." + segments[index - 1]
        if prefix in keys:
            return [*segments[: index - 1], ".".join(segments[index - 1 :])]
    return segments


def build(items: list[tuple[str, T]]) -> Branch[T]:
    """Nest `(key, leaf)` pairs; a later duplicate key replaces the earlier leaf in place."""
    keys = {key for key, _ in items}
    root: Branch[T] = Branch()
    for key, leaf in items:
        path = path_of(key, keys)
        node = root
        for segment in path[:-1]:
            child = node.children.get(segment)
            if not isinstance(child, Branch):
                child = Branch()
                node.children[segment] = child
            node = child
        node.children[path[-1]] = leaf
    return root
