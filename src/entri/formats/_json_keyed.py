"""One engine for json-flat, json-clean and json-nested: key -> string JSON files.

The three differ only in two switches: whether objects may nest (json-nested) and whether
i18next v4 plural suffixes are folded into plural entries (json-nested, json-clean). See
docs/formats/json.md for the rules and what each render style loses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from entri.formats._json_common import (
    CANONICAL,
    NULL,
    Layout,
    Node,
    Raw,
    literal,
    load,
)
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError
from entri.formats.gcpause import gc_paused
from entri.formats.plurals import cldr_categories

ARRAY_FLAG = "json-array"
"""Flag on entries whose path crosses a JSON array, so a memo-less render rebuilds it."""

_COUNT = re.compile(r"\{\{-?\s*count\s*(?:,[^}]*)?\}\}")
_SUFFIXES = frozenset(PLURAL_CATEGORIES)
_ESCAPE_BACKSLASH = re.compile(r"\\(?=[.\\]|$)")
_KEY_PIECE = re.compile(r"\\[.\\]|\\|[^.\\]+|\.")

Segment = str | int
Path = tuple[Segment, ...]

LITERAL = -2
"""Memo token of an entry read from a number or boolean: its text is the JSON spelling."""
NULL_TOKEN = -3
"""Memo token of an entry read from `null`: the key exists, without a value."""


@dataclass(frozen=True)
class Mode:
    id: str
    nested: bool
    fold_plurals: bool


FLAT = Mode("json-flat", nested=False, fold_plurals=False)
CLEAN = Mode("json-clean", nested=False, fold_plurals=True)
NESTED = Mode("json-nested", nested=True, fold_plurals=True)


@dataclass
class KeyedMemo:
    """What the file held, one column per fact (100k small objects would cost more GC time).

    Index i describes the i-th entry as parsed: its key, its path (json-nested only; value
    entries: the leaf path, plural entries: parent path + (base name,)), the token and original
    text of its value (-1/None for plurals) or, in `forms`, category -> (original key name,
    token, original text) in file order.
    """

    mode: str
    layout: Layout
    keys: list[str]
    paths: list[Path]
    tokens: list[int]
    originals: list[str | None]
    forms: dict[int, dict[str, tuple[str, int, str]]] = field(default_factory=dict)
    others: list[tuple[int, Path, Node]] = field(default_factory=list)
    """Untranslatable leaves (numbers, booleans, null, empty containers) with the index of
    the entry they followed (-1: before the first), so a re-serialisation keeps them."""

    def path(self, index: int) -> Path:
        return self.paths[index] if self.paths else (self.keys[index],)


# ---------------------------------------------------------------------------------------- keys


def escape_segment(segment: str) -> str:
    """Escape one path segment so that joining with '.' stays reversible.

    A '.' inside a segment becomes '\\.'; a backslash is doubled only where it would otherwise
    be read as an escape (before '.', '\\' or at the segment end), so ordinary keys -- even
    ones holding backslashes -- are left as they are.
    """
    if "\\" in segment:
        segment = _ESCAPE_BACKSLASH.sub(r"\\\\", segment)
    return segment.replace(".", "\\.") if "." in segment else segment


def split_key(key: str) -> list[str]:
    """Inverse of joining escaped segments with '.'."""
    if "\\" not in key:
        return key.split(".")
    segments: list[str] = []
    current: list[str] = []
    for piece in _KEY_PIECE.findall(key):
        if piece == ".":
            segments.append("".join(current))
            current = []
        elif len(piece) == 2 and piece[0] == "\\":
            current.append(piece[1])
        else:
            current.append(piece)
    segments.append("".join(current))
    return segments


def join_path(path: Path) -> str:
    return ".".join(str(s) if type(s) is int else escape_segment(s) for s in path)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- plurals


def plural_groups(obj: dict[str, Any], language: str) -> dict[str, tuple[str, str]]:
    """Sibling keys that form one i18next v4 plural: name -> (base, category).

    A group folds only when its suffixes all belong to the language's CLDR categories (plus
    `zero`, which i18next honours in every language), no sibling is called like the base, and
    at least one form interpolates `{{count}}` -- otherwise `arrowhead_crowfoot_one/_many`
    (excalidraw) would become a bogus plural.
    """
    candidates: dict[str, list[tuple[str, str]]] = {}
    for name, value in obj.items():
        if type(value) is not str:
            continue
        base, underscore, suffix = name.rpartition("_")
        if underscore and base and suffix in _SUFFIXES and not base.endswith("_ordinal"):
            candidates.setdefault(base, []).append((name, suffix))
    if not candidates:
        return {}
    allowed = set(cldr_categories(language)) | {"zero"}
    groups: dict[str, tuple[str, str]] = {}
    for base, members in candidates.items():
        if base in obj or not {c for _, c in members} <= allowed:
            continue
        if any(_COUNT.search(obj[name]) for name, _ in members):
            for name, category in members:
                groups[name] = (base, category)
    return groups


# --------------------------------------------------------------------------------------- parse


class _Walker:
    def __init__(self, mode: Mode, language: str, layout: Layout) -> None:
        self.mode = mode
        self.language = language
        self.layout = layout
        self.token = 0
        self.entries: list[Entry] = []
        self.memo = KeyedMemo(mode.id, layout, [], [], [], [])

    def other(self, path: Path, node: Node) -> None:
        self.memo.others.append((len(self.entries) - 1, path, node))

    def scalar(self, key: str, path: Path, value: Any, in_array: bool) -> None:
        """A number or boolean is kept as its JSON text (i18next shows `5` as "5"); `null` is
        a key without a value (i18next: missing) whose `null` stays in the file."""
        flags = [ARRAY_FLAG] if in_array else []
        extra: dict[str, Any] = {"path": path} if self.mode.nested else {}
        if value is None:
            self.other(path, NULL)
            self.add(Entry(key=key, flags=flags, extra=extra), path, NULL_TOKEN, None)
        else:
            text = str(literal(value))
            self.add(Entry(key=key, value=text, flags=flags, extra=extra), path, LITERAL, text)

    def add(self, entry: Entry, path: Path, token: int, original: str | None) -> None:
        memo = self.memo
        self.entries.append(entry)
        memo.keys.append(entry.key)
        if self.mode.nested:
            memo.paths.append(path)
        memo.tokens.append(token)
        memo.originals.append(original)

    def walk_object(self, obj: dict[str, Any], path: Path, prefix: str, in_array: bool) -> None:
        nested = self.mode.nested
        groups = plural_groups(obj, self.language) if self.mode.fold_plurals else {}
        plural_at: dict[str, tuple[Entry, dict[str, tuple[str, int, str]]]] = {}
        # Hot loop: one pass per leaf, locals only, no per-leaf helper objects.
        entries, memo = self.entries, self.memo
        keys, paths, tokens, originals = memo.keys, memo.paths, memo.tokens, memo.originals
        token = self.token
        for name, value in obj.items():
            key_token = token
            token += 1
            kind = type(value)
            if kind is str:
                member = groups.get(name) if groups else None
                if member is None:
                    if nested:
                        leaf = (*path, name)
                        key = prefix + (escape_segment(name) if "." in name or "\\" in name else name)
                        if in_array:
                            entry = Entry(key=key, value=value, flags=[ARRAY_FLAG], extra={"path": leaf})
                        else:
                            entry = Entry(key=key, value=value, extra={"path": leaf})
                        paths.append(leaf)
                    else:
                        key = name
                        entry = Entry(key=key, value=value)
                    entries.append(entry)
                    keys.append(key)
                    tokens.append(token)
                    originals.append(value)
                else:
                    base, category = member
                    found = plural_at.get(base)
                    if found is None:
                        key = prefix + escape_segment(base) if nested else base
                        entry = Entry(key=key, plurals={}, extra={"keys": {}})
                        if in_array:
                            entry.flags.append(ARRAY_FLAG)
                        if nested:
                            entry.extra["path"] = (*path, base)
                        found = plural_at[base] = (entry, {})
                        memo.forms[len(entries)] = found[1]
                        self.add(entry, (*path, base), -1, None)
                    entry, forms = found
                    assert entry.plurals is not None
                    entry.plurals[category] = value
                    entry.extra["keys"][category] = name
                    forms[category] = (name, token, value)
                token += 1
            elif kind is dict or kind is list:
                if not nested:
                    line, column = self.layout.position(key_token)
                    raise FormatError(
                        f"Key {name!r} holds a JSON {'object' if kind is dict else 'array'}; "
                        f"{self.mode.id} needs string values (use json-nested)",
                        line=line,
                        column=column,
                    )
                self.token = token
                if not value:
                    self.other((*path, name), Raw("{}" if kind is dict else "[]"))
                elif kind is dict:
                    self.walk_object(value, (*path, name), prefix + escape_segment(name) + ".", in_array)
                else:
                    self.walk_array(value, (*path, name), prefix + escape_segment(name) + ".")
                token = self.token
            else:
                key = prefix + (escape_segment(name) if "." in name or "\\" in name else name) if nested else name
                self.scalar(key, (*path, name), value, in_array)
        self.token = token

    def walk_array(self, items: list[Any], path: Path, prefix: str) -> None:
        for index, value in enumerate(items):
            kind = type(value)
            if kind is str:
                leaf = (*path, index)
                entry = Entry(key=prefix + str(index), value=value, flags=[ARRAY_FLAG], extra={"path": leaf})
                self.add(entry, leaf, self.token, value)
                self.token += 1
            elif kind is dict and value:
                self.walk_object(value, (*path, index), prefix + str(index) + ".", True)
            elif kind is list and value:
                self.walk_array(value, (*path, index), prefix + str(index) + ".")
            elif kind is dict or kind is list:
                self.other((*path, index), Raw("{}" if kind is dict else "[]"))
            else:
                self.scalar(prefix + str(index), (*path, index), value, True)


def parse(data: bytes, language: str, mode: Mode) -> Catalog:
    root, layout = load(data)
    walker = _Walker(mode, language, layout)
    with gc_paused():
        walker.walk_object(root, (), "", False)
    return Catalog(language=language, entries=walker.entries, memo=walker.memo)


# -------------------------------------------------------------------------------------- render


def _patch(memo: KeyedMemo, entries: list[Entry]) -> bytes | None:
    """Re-emit the original bytes with changed texts swapped in; None if the shape changed.

    An entry read from `null` may be missing from the catalog (an export leaves out keys
    without a translation): its `null` simply stays. A number or boolean that changed cannot
    be patched into a string token: the document is re-serialised then."""
    changes: dict[int, str] = {}
    forms_of = memo.forms
    at = 0
    for index, (key, token, original) in enumerate(zip(memo.keys, memo.tokens, memo.originals, strict=True)):
        entry = entries[at] if at < len(entries) else None
        if token == NULL_TOKEN and (entry is None or entry.key != key):
            continue
        if entry is None or entry.key != key:
            return None
        at += 1
        if token >= 0 or token == LITERAL:
            value = entry.value
            if value is None or entry.plurals is not None:
                return None
            if value != original:
                if token == LITERAL:
                    return None
                changes[token] = value
        elif token == NULL_TOKEN:
            if entry.value is not None or entry.plurals is not None:
                return None
        else:
            plurals, forms = entry.plurals, forms_of[index]
            if plurals is None or entry.value is not None or plurals.keys() != forms.keys():
                return None
            for category, (_, form_token, form_original) in forms.items():
                if plurals[category] != form_original:
                    changes[form_token] = plurals[category]
    if at != len(entries):
        return None
    return memo.layout.patch(changes)


def _entry_path(entry: Entry, mode: Mode) -> Path:
    if not mode.nested:
        return (entry.key,)
    path = entry.extra.get("path")
    if isinstance(path, tuple) and path and join_path(path) == entry.key:
        return path
    segments = split_key(entry.key)
    if ARRAY_FLAG in entry.flags:
        return tuple(int(s) if s.isascii() and s.isdigit() and s == str(int(s)) else s for s in segments)
    return tuple(segments)


def _plural_names(base: str, plurals: dict[str, str], known: dict[str, str]) -> list[tuple[str, str]]:
    """(category, key name): original names in file order, then new forms in CLDR order."""
    names = [(c, n) for c, n in known.items() if c in plurals]
    names += [(c, f"{base}_{c}") for c in PLURAL_CATEGORIES if c in plurals and c not in known]
    names += [(c, f"{base}_{c}") for c in plurals if c not in _SUFFIXES]
    return names


def _leaves(catalog: Catalog, mode: Mode, memo: KeyedMemo | None) -> list[tuple[Path, Node]]:
    index_of = {k: i for i, k in enumerate(memo.keys)} if memo else {}
    anchors: dict[int, list[tuple[Path, Node]]] = {}
    if memo is not None and memo.others:
        present = {e.key for e in catalog.entries}
        survivor, current = [], -1
        for index, key in enumerate(memo.keys):
            current = index if key in present else current
            survivor.append(current)
        for anchor, path, node in memo.others:
            anchors.setdefault(survivor[anchor] if anchor >= 0 else -1, []).append((path, node))
    leaves: list[tuple[Path, Node]] = list(anchors.pop(-1, ()))
    filled: set[Path] = set()
    for entry in catalog.entries:
        index = index_of.get(entry.key, -1)
        forms = memo.forms.get(index) if memo is not None and index >= 0 else None
        if entry.plurals is not None:
            if memo is not None and forms is not None:
                path, known = memo.path(index), {c: f[0] for c, f in forms.items()}
            else:
                path, known = _entry_path(entry, mode), dict(entry.extra.get("keys") or {})
            parent, base = path[:-1], str(path[-1])
            for category, name in _plural_names(base, entry.plurals, known):
                text = entry.plurals[category]
                form = forms.get(category) if forms else None
                node = memo.layout.token(form[1]) if memo and form and form[2] == text else text
                leaves.append(((*parent, name), node))
        elif entry.value is not None:
            if memo is not None and index >= 0 and forms is None:
                token = memo.tokens[index]
                node = entry.value
                if memo.originals[index] == entry.value and token != NULL_TOKEN:
                    node = Raw(entry.value) if token == LITERAL else memo.layout.token(token)
                elif token == NULL_TOKEN:
                    filled.add(memo.path(index))  # a translation now stands where `null` was
                leaves.append((memo.path(index), node))
            else:
                leaves.append((_entry_path(entry, mode), entry.value))
        if index >= 0 and index in anchors:
            leaves.extend(anchors.pop(index))
    if filled:
        leaves = [(path, node) for path, node in leaves if not (node is NULL and path in filled)]
    return leaves


def _resolve_conflicts(leaves: list[tuple[Path, Node]]) -> list[tuple[Path, Node]]:
    """Keys `a` and `a.b` cannot both nest: write the longer one as a literal dotted key.

    i18next looks such keys up as written (its deepFind joins segments), so the file works;
    re-importing it gives the escaped key `a\\.b`, as documented.
    """
    paths = {p for p, _ in leaves}
    resolved = []
    for path, node in leaves:
        for i in range(1, len(path)):
            if path[:i] in paths:
                path = (*path[: i - 1], ".".join(map(str, path[i - 1 :])))
                break
        resolved.append((path, node))
    return resolved


def _tree(leaves: list[tuple[Path, Node]], nested: bool) -> dict[Segment, Node]:
    if nested:
        leaves = _resolve_conflicts(leaves)
    root: dict[Segment, Node] = {}
    for path, node in leaves:
        container = root
        for segment in path[:-1]:
            child = container.get(segment)
            if child is None:
                child = container[segment] = {}
            elif type(child) is not dict:
                raise FormatError(f"Key {join_path(path)!r} conflicts with a value at {segment!r}")
            container = child
        if path[-1] in container:
            raise FormatError(f"Key {join_path(path)!r} would be written twice")
        container[path[-1]] = node
    return root


def render(catalog: Catalog, mode: Mode) -> bytes:
    memo = catalog.memo if isinstance(catalog.memo, KeyedMemo) and catalog.memo.mode == mode.id else None
    if memo is not None:
        patched = _patch(memo, catalog.entries)
        if patched is not None:
            return patched
    with gc_paused():
        tree = _tree(_leaves(catalog, mode, memo), mode.nested)
    if memo is None:
        return CANONICAL.document(tree).encode("utf-8")
    return memo.layout.encode(memo.layout.style.document(tree))
