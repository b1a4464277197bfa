"""YAML codec (format id `yaml`): Rails (`fr:` root), plain (Symfony) and go-i18n lists.

Reading never uses YAML 1.1 resolution (the Norway problem: `no:` is a locale, not
`False`): nodes are composed, not constructed, and a plain scalar is a string exactly when
YAML 1.2 says so. Every translatable scalar keeps its source span, so an unchanged document
re-renders byte-identical and an edit rewrites only that scalar. Structural edits (keys
added or removed) go through ruamel.yaml's round-trip document instead. Writing for
consumers (Psych, PyYAML) is the opposite concern: canonical output quotes anything a YAML
1.1 parser would not read back as the same string (docs/api-decisions.md, "YAML").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from babel import Locale
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from entri.formats import _nesting
from entri.formats._yaml_scalars import plain_ok, scalar
from entri.formats._yaml_walk import (
    CATEGORIES,
    MERGE,
    NULL,
    RESOLVER,
    STR,
    SYMBOL,
    Item,
    Slot,
    Use,
    Walker,
    compose,
    deref,
    is_list_shape,
)
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError, require_distinct_keys
from entri.formats.limits import MAX_KEY, MAX_VALUE, key_too_long, long_lines, value_too_long
from entri.formats.plurals import cldr_categories
from entri.formats.text import Decoded, decode

_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)*")


@dataclass
class _Memo:
    decoded: Decoded
    shape: str
    """`rails`, `plain`, `list` or `empty`."""
    root_key: str | None
    items: dict[str, Item]


# ---------------------------------------------------------------- reading


def _looks_like_locale(name: str, language: str) -> bool:
    normal = name.replace("_", "-").lower()
    if normal == language.replace("_", "-").lower():
        return True
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", normal):
        return False
    try:
        Locale.parse(name.replace("-", "_"))
    except Exception:
        return False
    return True


def _prescan(text: str) -> None:
    """Refuse an over-long key or value before ruamel's pure-Python scanner (~1 µs a character)
    reads it. Only when a line is longer than a key may be: libyaml's C scanner then yields the
    decoded scalars (90 ms for 15 MB). It is advisory: a document libyaml cannot scan is left to
    ruamel, whose verdict counts (except for a syntax error on the long line itself), and the
    import layer checks every entry again."""
    long = {number for number, _ in long_lines(text, MAX_KEY)}
    if not long:
        return
    try:
        import yaml as libyaml  # type: ignore[import-untyped]  # PyYAML ships no type hints
        from yaml import CSafeLoader
    except ImportError:  # pragma: no cover - PyYAML without libyaml: no fast path
        return
    last_key: str | None = None
    expect_key = False
    try:
        for token in libyaml.scan(text, Loader=CSafeLoader):
            kind = type(token).__name__
            if kind == "KeyToken":
                expect_key = True
                continue
            if kind == "ScalarToken":
                line = token.start_mark.line + 1
                if expect_key:
                    last_key = token.value
                    if len(token.value) > MAX_KEY:
                        raise key_too_long(token.value, line=line)
                elif len(token.value) > MAX_VALUE:
                    raise value_too_long(last_key, len(token.value), line=line)
            expect_key = False
    except libyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and mark.line + 1 in long:
            # Same verdict as ruamel's (an implicit key is limited to 1024 characters, ...),
            # without its pure-Python scan of the whole long line first.
            raise FormatError(f"Invalid YAML: {exc.problem}", line=mark.line + 1, column=mark.column + 1) from None
    except libyaml.YAMLError:
        return


def parse(data: bytes, language: str) -> Catalog:
    decoded = decode(data)
    _prescan(decoded.text)
    root = compose(decoded.text)
    walker = Walker(language)
    root_key: str | None = None
    if root is None or (isinstance(root, ScalarNode) and str(root.tag) == NULL):
        shape = "empty"
    elif isinstance(root, MappingNode):
        shape = "plain"
        if len(root.value) == 1:
            key, value = root.value[0]
            if (
                isinstance(key, ScalarNode)
                and isinstance(value, MappingNode)
                and _looks_like_locale(str(key.value), language)
            ):
                shape, root_key = "rails", str(key.value)
        if shape == "rails":
            walker.count(None)
            walker.walk(root.value[0][1], (), False)
        else:
            walker.walk(root, (), False)
    elif is_list_shape(root):
        shape = "list"
        walker.walk_list(root)  # type: ignore[arg-type]
    else:
        raise FormatError("Unsupported YAML shape: expected a mapping or a go-i18n list of {id, translation}")
    memo = _Memo(decoded, shape, root_key, walker.items)
    return Catalog(language=language, entries=walker.entries, memo=memo)


# ---------------------------------------------------------------- writing


def render(catalog: Catalog) -> bytes:
    require_distinct_keys(catalog.entries, "yaml")
    if isinstance(catalog.memo, _Memo):
        return _render_patched(catalog, catalog.memo)
    return _render_canonical(catalog)


def _leaf(entry: Entry) -> str | dict[str, str] | None:
    if entry.plurals is not None:
        return {c: entry.plurals[c] for c in PLURAL_CATEGORIES if c in entry.plurals}
    return entry.value


def _render_canonical(catalog: Catalog) -> bytes:
    """`---`, root key = language, two-space indent, one scalar per line (docs/api-decisions.md, "YAML").

    An entry without a value is written `~` (Rails: missing); a branch whose keys are list
    indexes (`day_names.0` …) is written as a YAML list, holes as `~`."""
    items = [(e.key, _leaf(e)) for e in catalog.entries]
    tree = _nesting.build(items)
    only_other = cldr_categories(catalog.language) == ("other",)
    lines = ["---"]
    if not tree.children:
        lines.append(f"{_key(catalog.language)}: {{}}")
    else:
        lines.append(f"{_key(catalog.language)}:")
        _emit(_unfold(tree, only_other), "  ", lines)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _unfold(branch: _nesting.Branch[Any], only_other: bool) -> _nesting.Branch[Any]:
    """Lift `a: {one: x, other: y}` made of *singular* keys to `"a.one"` so it is not read
    back as a plural; the same test the parser applies decides."""
    out: _nesting.Branch[Any] = _nesting.Branch()
    for name, child in branch.children.items():
        if isinstance(child, _nesting.Branch):
            kids = child.children
            looks_plural = (
                kids
                and all(k in CATEGORIES and isinstance(v, str) for k, v in kids.items())
                and (len(kids) >= 2 or (only_other and "other" in kids))
            )
            if looks_plural:
                for k, v in kids.items():
                    out.children[f"{name}.{k}"] = v
            else:
                out.children[name] = _unfold(child, only_other)
        else:
            out.children[name] = child
    return out


def _key(name: str) -> str:
    text = scalar(name)
    return f"? {text}\n:" if len(text) > 1000 else text


def _indexes(branch: _nesting.Branch[Any]) -> int | None:
    """Length of the list a branch stands for, when its keys are dense list indexes."""
    names = branch.children
    if not names or not all(n.isascii() and n.isdigit() and n == str(int(n)) for n in names):
        return None
    size = max(int(n) for n in names) + 1
    return size if size < 2 * len(names) + 2 else None


def _emit(branch: _nesting.Branch[Any], indent: str, lines: list[str]) -> None:
    for name, child in branch.children.items():
        _emit_node(f"{indent}{_key(name).replace(chr(10), chr(10) + indent)}:", child, indent, lines)


def _emit_node(head: str, child: Any, indent: str, lines: list[str]) -> None:
    inner = indent + "  "
    if isinstance(child, _nesting.Branch):
        lines.append(head)
        size = _indexes(child)
        if size is None:
            _emit(child, inner, lines)
        else:
            for index in range(size):  # Rails style: the items at the key's indentation
                _emit_node(f"{indent}-", child.children.get(str(index)), indent, lines)
    elif isinstance(child, dict):
        lines.append(head)
        lines.extend(f"{inner}{c}: {scalar(t)}" for c, t in child.items())
    else:
        lines.append(f"{head} {'~' if child is None else scalar(child)}")


def _same_kind(text: str, tag: str) -> bool:
    """Whether `text` written plain reads back as the same kind of scalar (a number stays a
    number, `:day` stays a symbol); strings are never written plain on this test."""
    if tag == STR:
        return False
    if tag == "symbol":
        return SYMBOL.fullmatch(text) is not None
    return "\n" not in text and text == text.strip() and RESOLVER.resolve(ScalarNode, text, (True, False)) == tag


def _write(text: str | None, slot: Slot, in_flow: bool) -> str:
    """A scalar for `slot`'s place: typed values stay plain when they keep their kind."""
    if text is None:
        return "~"
    if _same_kind(text, slot.tag):
        return text
    return scalar(text, slot.style if slot.alias is None else None, in_flow)


def _is_null(item: Item) -> bool:
    """An entry without a value in the file: absent from the catalog means still absent."""
    if item.value is not None:
        return item.value.value is None
    return not item.plurals


class _Patcher:
    """Span edits for one render: own scalars, alias occurrences and shared (aliased) subtrees."""

    def __init__(self, catalog: Catalog, memo: _Memo) -> None:
        self.memo = memo
        self.text = memo.decoded.text
        self.wanted = {e.key: e for e in catalog.entries if _leaf(e) is not None}
        self.edits: list[tuple[int, int, str]] = []
        self.uses: dict[int, tuple[Use, list[tuple[Slot, str]]]] = {}

    def desired(self, key: str, category: str | None) -> str | None:
        entry = self.wanted.get(key)
        if entry is None:
            return None
        if category is None:
            return entry.value
        return (entry.plurals or {}).get(category)

    def current(self, slot: Slot) -> str | None:
        """What the document will hold at `slot`'s node once patched."""
        while True:
            if slot.owner is not None:
                found = self.desired(*slot.owner)
                return found if found is not None else slot.value
            if slot.alias is None:
                return slot.value
            slot = slot.alias

    def slot(self, slot: Slot, value: str) -> None:
        if slot.use is not None:
            self.uses.setdefault(id(slot.use), (slot.use, []))[1].append((slot, value))
        elif slot.alias is not None:
            if value != self.current(slot.alias):
                self.edits.append((slot.start, slot.end, _write(value, slot.alias, slot.in_flow)))
        elif value != slot.value:
            self.own(slot, value)

    def own(self, slot: Slot, value: str) -> None:
        original = self.text[slot.start : slot.end]
        prefix = _PROPERTIES.match(original)
        keep = prefix.group(0) if prefix else ""
        body = original[len(keep) :]
        end = slot.start + len(keep) + len(body.rstrip(" \t\n") if body[:1] in "|>" else body)
        start, written = slot.start + len(keep), _write(value, slot, slot.in_flow)
        if start == end:  # `key:` with nothing after it: ruamel's mark may sit on the next line
            while start > 0 and self.text[start - 1] in " \t\n":
                start -= 1
            end, written = start, " " + written
        self.edits.append((start, end, written))

    def shared(self, everything: bool) -> None:
        """Alias uses whose entries no longer all equal their anchor get a literal copy."""
        for use, pairs in self.uses.values():
            if everything or any(value != self.current(slot.alias) for slot, value in pairs if slot.alias):
                self.edits.append((use.start, use.end, self.literal(use.target, use.path)))

    def literal(self, node: Any, path: tuple[str, ...]) -> str:
        """A flow-style copy of an aliased subtree, with the values the catalog wants."""
        target = deref(node)
        item = self.memo.items.get(".".join(path))
        if isinstance(target, ScalarNode):
            slot = item.value if item is not None and item.value is not None else Walker.own_slot(target, True, None)
            value = self.desired(".".join(path), None) if item is not None else None
            return _write(value if value is not None else self.current(slot), slot, True)
        if isinstance(target, SequenceNode):
            return "[" + ", ".join(self.literal(v, (*path, str(i))) for i, v in enumerate(target.value)) + "]"
        if item is not None and item.plurals:
            forms = []
            for category, slot in item.plurals.items():
                value = self.desired(".".join(path), category)
                forms.append(f"{category}: {_write(value if value is not None else self.current(slot), slot, True)}")
            return "{" + ", ".join(forms) + "}"
        pairs = [f"{scalar(name, None, True)}: {self.literal(v, (*path, name))}" for name, v in _pairs(target)]
        return "{" + ", ".join(pairs) + "}"


def _pairs(node: Node) -> list[tuple[str, Any]]:
    """A mapping's effective members: explicit keys, then merged ones not already there."""
    explicit = [(str(deref(k).value), v) for k, v in node.value if str(deref(k).tag) != MERGE]
    names = {name for name, _ in explicit}
    out = list(explicit)
    for key, value in node.value:
        if str(deref(key).tag) != MERGE:
            continue
        sources = deref(value).value if isinstance(deref(value), SequenceNode) else [value]
        for source in sources:
            for name, member in _pairs(deref(source)):
                if name not in names:
                    names.add(name)
                    out.append((name, member))
    return out


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    patcher = _Patcher(catalog, memo)
    wanted = patcher.wanted
    structural = False
    for key, item in memo.items.items():
        entry = wanted.get(key)
        if entry is None:
            structural = structural or not _is_null(item)
        elif item.value is not None and entry.value is not None and entry.plurals is None:
            patcher.slot(item.value, entry.value)
        elif item.plurals and entry.plurals is not None and set(entry.plurals) == set(item.plurals):
            for category, form in item.plurals.items():
                patcher.slot(form, entry.plurals[category])
        else:
            structural = True
    if any(key not in memo.items for key in wanted):
        structural = True
    patcher.shared(everything=structural)
    text = memo.decoded.text
    for start, end, replacement in sorted(patcher.edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    if structural:
        return _render_structural(catalog, memo, text)
    return memo.decoded.encode(text)


def _render_structural(catalog: Catalog, memo: _Memo, text: str) -> bytes:
    """Keys were added or removed: edit ruamel's round-trip document and let it re-emit.

    `text` is the original with the span edits already made, aliased subtrees among them
    spelled out: ruamel shares an aliased mapping between its places, so an edit at one place
    must not go through it."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = _detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = text.lstrip().startswith("---")
    try:
        document = yaml.load(text)
    except YAMLError as exc:  # pragma: no cover - the same text composed fine in parse()
        raise FormatError(f"Invalid YAML: {exc}") from None
    if memo.shape == "empty" or document is None:
        return _render_canonical(catalog)
    wanted = {e.key: leaf for e in catalog.entries if (leaf := _leaf(e)) is not None}
    if memo.shape == "list":
        by_id = {str(item.get("id")): item for item in document}
        document[:] = [item for item in document if str(item.get("id")) in wanted]
        for key, leaf in wanted.items():
            item = by_id.get(key)
            if item is None:
                document.append(CommentedMap([("id", key), ("translation", _yaml_value(leaf))]))
            elif _changed(memo.items.get(key), leaf):
                item["translation"] = _yaml_value(leaf, memo.items.get(key))
    else:
        top = document[memo.root_key] if memo.shape == "rails" else document
        for key, item in memo.items.items():
            parent = _descend(top, item.path[:-1])
            if key not in wanted and parent is not None and not _is_null(item):
                _remove(parent, item.path[-1])
        for key, leaf in wanted.items():
            original = memo.items.get(key)
            if original is not None and not _changed(original, leaf):
                continue
            path = original.path if original else tuple(_nesting.path_of(key, set(wanted)))
            node = top
            for segment in path[:-1]:
                child = _get(node, segment)
                if not isinstance(child, dict | list):
                    child = CommentedMap()
                    _set(node, segment, child)
                node = child
            _set(node, path[-1], _yaml_value(leaf, original))
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return memo.decoded.encode(buffer.getvalue())


def _index(node: list[Any], segment: str) -> int | None:
    return int(segment) if segment.isascii() and segment.isdigit() else None


def _get(node: Any, segment: str) -> Any:
    if isinstance(node, list):
        index = _index(node, segment)
        return node[index] if index is not None and index < len(node) else None
    return node.get(segment)


def _set(node: Any, segment: str, value: Any) -> None:
    """Into a mapping, or a list (a new index past the end pads with nulls)."""
    if isinstance(node, list) and (index := _index(node, segment)) is not None:
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
    elif isinstance(node, list):
        raise FormatError(f"Cannot add key '{segment}' to a YAML list")
    else:
        node[segment] = value


def _remove(parent: Any, segment: str) -> None:
    """A removed list item becomes `~`, so the items after it keep their index (their keys)."""
    if isinstance(parent, list):
        index = _index(parent, segment)
        if index is not None and index < len(parent):
            parent[index] = None
    else:
        parent.pop(segment, None)


def _descend(node: Any, path: tuple[str, ...]) -> Any:
    for segment in path:
        node = _get(node, segment) if isinstance(node, dict | list) else None
        if node is None:
            return None
    return node if isinstance(node, dict | list) else None


def _changed(item: Item | None, leaf: str | dict[str, str]) -> bool:
    if item is None:
        return True
    if isinstance(leaf, dict):
        return {c: s.value for c, s in item.plurals.items()} != leaf
    return item.value is None or item.value.value != leaf


_NATIVE: dict[str, Any] = {
    "tag:yaml.org,2002:int": lambda t: int(t, 0) if t[:2].lower() in ("0x", "0o") else int(t),
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": lambda t: t.lower() == "true",
}


def _yaml_value(leaf: str | dict[str, str], item: Item | None = None) -> Any:
    slot = item.value if item is not None else None

    def one(text: str) -> Any:
        if slot is not None and slot.tag in _NATIVE and _same_kind(text, slot.tag):
            try:
                return _NATIVE[slot.tag](text)  # a number stays a number
            except ValueError:
                pass
        return text if plain_ok(text) else DoubleQuotedScalarString(text)

    if isinstance(leaf, dict):
        return CommentedMap((c, one(t)) for c, t in leaf.items())
    return one(leaf)


def _detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) for ruamel, from the first nested key and first `- `."""
    mapping = 2
    match = re.search(r"^(\S[^\n]*:)[ \t]*\n( +)\S", text, re.MULTILINE)
    if match:
        mapping = len(match.group(2))
    offset = 0
    dash = re.search(r"^( *)[^\s-][^\n]*:[ \t]*\n( *)- ", text, re.MULTILINE)
    if dash:
        offset = max(0, len(dash.group(2)) - len(dash.group(1)))
    return mapping, offset + 2, offset
