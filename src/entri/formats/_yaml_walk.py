"""Reading side of the YAML codec: compose with alias positions, walk nodes into entries.

Rules (docs/formats/yaml.md): every scalar under the root is an entry, nothing is dropped in
silence. Strings are the common case; numbers, booleans, symbols (`:day`) and timestamps are
kept as their text with their kind remembered, so an unchanged or same-kind edit is written
back plain; `~`/empty is an entry without a value (Rails reads nil as "missing"). Sequence
items are keys `path.0`, `path.1`. Aliases resolve as Rails (Psych) resolves them: an alias
of a string is that string, an alias of a mapping or a `<<` merge gives the same entries
under the new path. A tag outside the YAML core schema (`!!binary`, `!ruby/object`,
`!!python/...`) or a non-scalar key is a `FormatError`: nothing could store it faithfully.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from entri.formats.catalog import PLURAL_CATEGORIES, Entry, FormatError
from entri.formats.plurals import cldr_categories

MAX_DEPTH = 100
MAX_NODES = 2_000_000
"""Unique nodes; a 100k-key file has ~200k."""
MAX_ALIAS_NODES = 20_000
"""Nodes reached again through aliases. Real files merge a few defaults; a billion-laughs
document would need hundreds of millions and is refused instead of expanded."""

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
_CORE = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
CATEGORIES = frozenset(PLURAL_CATEGORIES)
RESOLVER = VersionedResolver(version=(1, 2))
SYMBOL = re.compile(r":[A-Za-z_][A-Za-z0-9_]*[?!=]?")
"""A Ruby symbol written plain (`:day`); Psych reads it as a Symbol, not a String."""


class AliasRef:
    """An alias occurrence (`*name`): the anchored node plus the span of the alias itself."""

    __slots__ = ("end", "start", "target")

    def __init__(self, target: Node, start: int, end: int) -> None:
        self.target, self.start, self.end = target, start, end


class _Composer(Composer):
    """ruamel's composer returns the anchored node for an alias; we also need where it is."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            target = super().compose_node(parent, index)
            return AliasRef(target, event.start_mark.index, event.end_mark.index)
        return super().compose_node(parent, index)


def deref(node: Any) -> Node:
    while isinstance(node, AliasRef):
        node = node.target
    return node  # type: ignore[no-any-return]


def tag_of(node: Any) -> str:
    return str(deref(node).tag)


def is_text(node: Any) -> bool:
    """A string the app would translate: str tag, and not a plain Ruby symbol."""
    node = deref(node)
    if not isinstance(node, ScalarNode) or str(node.tag) != STR:
        return False
    return not (node.style is None and SYMBOL.fullmatch(str(node.value)))


def compose(text: str) -> Node | None:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _Composer
    try:
        node: Node | None = yaml.compose(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        if mark is not None:
            raise FormatError(f"Invalid YAML: {problem}", line=mark.line + 1, column=mark.column + 1) from None
        raise FormatError(f"Invalid YAML: {problem}") from None
    except RecursionError:
        raise FormatError("YAML nested too deeply") from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise FormatError(f"Invalid YAML: {exc}") from None
    if isinstance(node, AliasRef):
        raise FormatError("A YAML document cannot be a bare alias")
    return node


@dataclass(eq=False)
class Use:
    """One alias occurrence of a mapping or sequence: entries below it share the anchor's text."""

    start: int
    end: int
    target: Node
    path: tuple[str, ...]
    in_flow: bool


@dataclass(eq=False)
class Slot:
    """Where one entry's text lives in the document, and how to write a new one there."""

    start: int
    end: int
    style: str | None
    in_flow: bool
    value: str | None
    """The text as read; None for a null."""
    tag: str = STR
    """Core tag of the scalar, or `symbol`; decides whether an edit may stay plain."""
    owner: tuple[str, str | None] | None = None
    """(key, plural category) whose value is written at this span; None for borrowed text."""
    alias: Slot | None = None
    """For an alias occurrence or a node reached through one: the slot of the anchored node."""
    use: Use | None = None
    """The outermost mapping/sequence alias this slot was reached through (no span of its own)."""


@dataclass
class Item:
    path: tuple[str, ...]
    value: Slot | None = None
    plurals: dict[str, Slot] = field(default_factory=dict)


class Walker:
    def __init__(self, language: str) -> None:
        self.only_other = cldr_categories(language) == ("other",)
        self.unique = 0
        self.through_alias = 0
        self.items: dict[str, Item] = {}
        self.entries: list[Entry] = []
        self.slots: dict[int, Slot] = {}
        """id(node) -> the slot that owns the node's text, for aliases of it."""

    # -- budget ---------------------------------------------------------------------------

    def count(self, use: Use | None) -> None:
        if use is None:
            self.unique += 1
            if self.unique > MAX_NODES:
                raise FormatError(f"YAML document has more than {MAX_NODES:,} nodes")
        else:
            self.through_alias += 1
            if self.through_alias > MAX_ALIAS_NODES:
                raise FormatError(
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?)",
                    line=None,
                )

    # -- slots ----------------------------------------------------------------------------

    def slot(self, node: Any, in_flow: bool, use: Use | None, owner: tuple[str, str | None]) -> Slot:
        if isinstance(node, AliasRef):
            target = self.anchor_slot(node.target, in_flow)
            if use is not None:
                return Slot(target.start, target.end, None, in_flow, target.value, target.tag, None, target, use)
            return Slot(node.start, node.end, None, in_flow, target.value, target.tag, owner, target)
        if use is not None:
            target = self.anchor_slot(node, in_flow)
            return Slot(target.start, target.end, None, in_flow, target.value, target.tag, None, target, use)
        made = self.own_slot(node, in_flow, owner)
        self.slots[id(node)] = made
        return made

    @staticmethod
    def own_slot(node: ScalarNode, in_flow: bool, owner: tuple[str, str | None] | None) -> Slot:
        tag = str(node.tag)
        value: str | None = None if tag == NULL else str(node.value)
        if tag == STR and node.style is None and value is not None and SYMBOL.fullmatch(value):
            tag = "symbol"
        return Slot(node.start_mark.index, node.end_mark.index, node.style, in_flow, value, tag, owner)

    def anchor_slot(self, node: Node, in_flow: bool) -> Slot:
        """The slot of an anchored scalar; one without an owner if it is no entry of its own."""
        found = self.slots.get(id(node))
        if found is None:
            found = self.slots[id(node)] = self.own_slot(node, in_flow, None)  # type: ignore[arg-type]
        return found

    # -- entries --------------------------------------------------------------------------

    def plural(self, node: Any, explicit: bool) -> list[tuple[str, Any]] | None:
        target = deref(node)
        if not isinstance(target, MappingNode) or not target.value:
            return None
        forms: list[tuple[str, Any]] = []
        for key, value in target.value:
            key = deref(key)
            if not isinstance(key, ScalarNode) or str(key.value) not in CATEGORIES or not is_text(value):
                return None
            forms.append((str(key.value), value))
        if len(forms) >= 2 or explicit or (self.only_other and forms[0][0] == "other"):
            return forms
        return None

    def add(self, path: tuple[str, ...], node: Any, in_flow: bool, use: Use | None, explicit: bool = False) -> bool:
        key = ".".join(path)
        forms = self.plural(node, explicit)
        if forms is not None:
            flow = bool(getattr(deref(node), "flow_style", False)) or in_flow
            form_use = use
            if isinstance(node, AliasRef) and use is None:
                form_use = Use(node.start, node.end, node.target, path, in_flow)
            slots = {c: self.slot(n, flow, form_use, (key, c)) for c, n in forms}
            item = Item(path, plurals=slots)
            entry = Entry(key=key, plurals={c: s.value or "" for c, s in slots.items()})
        elif isinstance(deref(node), ScalarNode):
            value_slot = self.slot(node, in_flow, use, (key, None))
            item = Item(path, value=value_slot)
            entry = Entry(key=key, value=value_slot.value)
        else:
            return False
        entry.extra["path"] = path
        self.entries.append(entry)
        self.items[key] = item
        return True

    def walk(self, node: Any, path: tuple[str, ...], in_flow: bool, use: Use | None = None) -> None:
        self.count(use)
        if isinstance(node, AliasRef):
            target = node.target
            if isinstance(target, MappingNode | SequenceNode) and self.plural(node, False) is None:
                inner = use or Use(node.start, node.end, target, path, in_flow)
                self.walk(target, path, in_flow, inner)
                return
        target = deref(node)
        if len(path) > MAX_DEPTH:
            raise FormatError(f"YAML nested deeper than {MAX_DEPTH} levels", line=target.start_mark.line + 1)
        tag = str(target.tag)
        if tag not in _CORE:
            raise FormatError(
                f"Unsupported YAML tag '{tag}' at '{'.'.join(path) or '(root)'}': only strings, numbers, "
                "booleans, null, lists and mappings can be imported",
                line=target.start_mark.line + 1,
            )
        if path and self.add(path, node, in_flow, use):
            return
        if isinstance(target, SequenceNode):
            for index, item in enumerate(target.value):
                self.walk(item, (*path, str(index)), bool(target.flow_style) or in_flow, use)
        elif isinstance(target, MappingNode):
            self.walk_mapping(target, path, in_flow, use)

    def walk_mapping(self, node: MappingNode, path: tuple[str, ...], in_flow: bool, use: Use | None) -> None:
        flow = bool(node.flow_style) or in_flow
        explicit: dict[str, Any] = {}
        merges: list[tuple[Any, Use | None]] = []
        for key, value in node.value:
            target = deref(key)
            if not isinstance(target, ScalarNode):
                raise FormatError(
                    "A YAML mapping key must be a string, not a list or mapping", line=target.start_mark.line + 1
                )
            if str(target.tag) == MERGE:
                merges.extend(self.merge_sources(value, path, flow, use))
                continue
            name = str(target.value)
            if name in explicit:
                raise FormatError(f"Duplicate key '{name}'", line=target.start_mark.line + 1)
            explicit[name] = value
        for name, value in explicit.items():
            self.walk(value, (*path, name), flow, use)
        merged: set[str] = set()
        for source, source_use in merges:
            for key, value in source.value:
                name = str(deref(key).value)
                if str(tag_of(key)) == MERGE or name in explicit or name in merged:
                    continue  # explicit keys win, then the first merged map (YAML merge rules)
                merged.add(name)
                self.walk(value, (*path, name), flow, source_use)

    def merge_sources(
        self, value: Any, path: tuple[str, ...], in_flow: bool, use: Use | None
    ) -> list[tuple[Any, Use | None]]:
        """`<<: *a`, `<<: {…}` or `<<: [*a, *b]` -> the mappings to merge, each with its alias use."""
        items = (
            deref(value).value
            if isinstance(deref(value), SequenceNode) and not isinstance(value, AliasRef)
            else [value]
        )
        sources: list[tuple[Any, Use | None]] = []
        for item in items:
            target = deref(item)
            if not isinstance(target, MappingNode):
                raise FormatError("A '<<' merge key must name a mapping", line=target.start_mark.line + 1)
            own = use
            if own is None and isinstance(item, AliasRef):
                own = Use(item.start, item.end, target, path, in_flow)
            self.count(own)
            sources.append((target, own))
        return sources

    def walk_list(self, node: SequenceNode) -> None:
        """go-i18n v1: `- id: x` / `translation: text or {one: .., other: ..}`."""
        for item in node.value:
            self.count(None)
            fields = {str(deref(k).value): v for k, v in deref(item).value}
            ident = deref(fields["id"])
            key = str(ident.value)
            if "translation" not in fields:
                # No translation yet: the key exists, without a value (no slot to patch).
                self.entries.append(Entry(key=key, extra={"path": (key,)}))
                self.items[key] = Item((key,))
            elif not self.add(
                (key,), fields["translation"], bool(getattr(deref(item), "flow_style", False)), None, explicit=True
            ):
                line = deref(fields["translation"]).start_mark.line + 1
                raise FormatError(f"The translation of '{key}' must be a string or plural forms", line=line)


def is_list_shape(node: Node) -> bool:
    return isinstance(node, SequenceNode) and all(
        isinstance(deref(item), MappingNode)
        and all(isinstance(deref(k), ScalarNode) for k, _ in deref(item).value)
        and any(str(deref(k).value) == "id" and is_text(v) for k, v in deref(item).value)
        for item in node.value
    )
