"""YAML codec (format id `yaml`): Rails (`fr:` root), plain (Symfony) and go-i18n lists.

Reading never uses YAML 1.1 resolution (the Norway problem: `no:` is a locale, not
`False`): nodes are composed, not constructed, and a plain scalar is a string exactly when
YAML 1.2 says so. Every translatable scalar keeps its source span, so an unchanged document
re-renders byte-identical and an edit rewrites only that scalar. Structural edits (keys
added or removed) go through ruamel.yaml's round-trip document instead. Writing for
consumers (Psych, PyYAML) is the opposite concern: canonical output quotes anything a YAML
1.1 parser would not read back as the same string (decisions.md item 27).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from entri.formats import _nesting
from entri.formats._yaml_scalars import plain_ok, scalar
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError
from entri.formats.plurals import cldr_categories
from entri.formats.text import Decoded, decode

MAX_DEPTH = 100
MAX_NODES = 2_000_000
"""Unique nodes; aliases are not expanded, so a billion-laughs document stays small."""

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_RESOLVER = VersionedResolver(version=(1, 2))
_CATEGORIES = frozenset(PLURAL_CATEGORIES)
_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)*")
_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"])


@dataclass
class _Slot:
    start: int
    end: int
    style: str | None
    in_flow: bool
    value: str


@dataclass
class _Item:
    path: tuple[str, ...]
    value: _Slot | None = None
    plurals: dict[str, _Slot] = field(default_factory=dict)


@dataclass
class _Memo:
    decoded: Decoded
    shape: str
    """`rails`, `plain`, `list` or `empty`."""
    root_key: str | None
    items: dict[str, _Item]


# ---------------------------------------------------------------- reading


def _tag(node: Node) -> str:
    return str(node.tag)


def _is_text(node: Node) -> bool:
    """A string the app would translate: str tag, and not a Ruby symbol (`:day`)."""
    if not isinstance(node, ScalarNode) or _tag(node) != _STR:
        return False
    return not (node.style is None and str(node.value).startswith(":"))


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


class _Walker:
    def __init__(self, language: str) -> None:
        self.only_other = cldr_categories(language) == ("other",)
        self.seen: set[int] = set()
        self.items: dict[str, _Item] = {}
        self.entries: list[Entry] = []

    def slot(self, node: ScalarNode, in_flow: bool) -> _Slot:
        return _Slot(node.start_mark.index, node.end_mark.index, node.style, in_flow, str(node.value))

    def plural(self, node: Node, explicit: bool) -> dict[str, ScalarNode] | None:
        if not isinstance(node, MappingNode) or not node.value:
            return None
        forms: dict[str, ScalarNode] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or str(key.value) not in _CATEGORIES or not _is_text(value):
                return None
            forms[str(key.value)] = value
        if len(forms) >= 2 or explicit or (self.only_other and "other" in forms):
            return forms
        return None

    def add(self, path: tuple[str, ...], node: Node, in_flow: bool, explicit: bool = False) -> bool:
        key = ".".join(path)
        forms = self.plural(node, explicit)
        if forms is not None:
            flow = bool(getattr(node, "flow_style", False))
            item = _Item(path, plurals={c: self.slot(n, flow) for c, n in forms.items()})
            self.entries.append(Entry(key=key, plurals={c: str(n.value) for c, n in forms.items()}))
        elif _is_text(node):
            assert isinstance(node, ScalarNode)
            item = _Item(path, value=self.slot(node, in_flow))
            self.entries.append(Entry(key=key, value=str(node.value)))
        else:
            return False
        self.entries[-1].extra["path"] = path
        self.items[key] = item
        return True

    def visit(self, node: Node) -> bool:
        """False for an alias of a node already seen; counts nodes against the cap."""
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise FormatError(f"YAML document has more than {MAX_NODES} nodes")
        return True

    def walk(self, node: Node, path: tuple[str, ...], in_flow: bool) -> None:
        if not self.visit(node):
            return
        if len(path) > MAX_DEPTH:
            raise FormatError(f"YAML nested deeper than {MAX_DEPTH} levels", line=node.start_mark.line + 1)
        if path and self.add(path, node, in_flow):
            return
        if not isinstance(node, MappingNode):
            return  # sequences, numbers, booleans, null, symbols: kept verbatim in the text
        names: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or _tag(key) == _MERGE:
                continue  # complex keys and merged-in maps are layout, not entries
            name = str(key.value)
            if name in names:
                raise FormatError(f"Duplicate key '{name}'", line=key.start_mark.line + 1)
            names.add(name)
            self.walk(value, (*path, name), bool(node.flow_style))

    def walk_list(self, node: SequenceNode) -> None:
        """go-i18n v1: `- id: x` / `translation: text or {one: .., other: ..}`."""
        for item in node.value:
            fields = {str(k.value): v for k, v in item.value}
            ident = fields["id"]
            self.visit(ident)
            if "translation" in fields and self.visit(fields["translation"]):
                self.add((str(ident.value),), fields["translation"], bool(item.flow_style), explicit=True)


def _compose(text: str) -> Node | None:
    try:
        node: Node | None = YAML(typ="safe", pure=True).compose(text)
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
    return node


def _is_list_shape(node: Node) -> bool:
    return isinstance(node, SequenceNode) and all(
        isinstance(item, MappingNode)
        and all(isinstance(k, ScalarNode) for k, _ in item.value)
        and any(str(k.value) == "id" and _is_text(v) for k, v in item.value)
        for item in node.value
    )


def parse(data: bytes, language: str) -> Catalog:
    decoded = decode(data)
    root = _compose(decoded.text)
    walker = _Walker(language)
    root_key: str | None = None
    if root is None or (isinstance(root, ScalarNode) and _tag(root) == "tag:yaml.org,2002:null"):
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
            walker.visit(root)
            walker.walk(root.value[0][1], (), False)
        else:
            walker.walk(root, (), False)
    elif _is_list_shape(root):
        shape = "list"
        walker.walk_list(root)  # type: ignore[arg-type]
    else:
        raise FormatError("Unsupported YAML shape: expected a mapping or a go-i18n list of {id, translation}")
    memo = _Memo(decoded, shape, root_key, walker.items)
    return Catalog(language=language, entries=walker.entries, memo=memo)


# ---------------------------------------------------------------- writing


def render(catalog: Catalog) -> bytes:
    if isinstance(catalog.memo, _Memo):
        return _render_patched(catalog, catalog.memo)
    return _render_canonical(catalog)


def _leaf(entry: Entry) -> str | dict[str, str] | None:
    if entry.plurals is not None:
        return {c: entry.plurals[c] for c in PLURAL_CATEGORIES if c in entry.plurals}
    return entry.value


def _render_canonical(catalog: Catalog) -> bytes:
    """`---`, root key = language, two-space indent, one scalar per line (decisions 27)."""
    items = [(e.key, leaf) for e in catalog.entries if (leaf := _leaf(e)) is not None]
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
                and all(k in _CATEGORIES and isinstance(v, str) for k, v in kids.items())
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


def _emit(branch: _nesting.Branch[Any], indent: str, lines: list[str]) -> None:
    for name, child in branch.children.items():
        key = _key(name).replace("\n", "\n" + indent)
        if isinstance(child, _nesting.Branch):
            lines.append(f"{indent}{key}:")
            _emit(child, indent + "  ", lines)
        elif isinstance(child, dict):
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}  {c}: {scalar(t)}" for c, t in child.items())
        else:
            lines.append(f"{indent}{key}: {scalar(child)}")


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    edits: list[tuple[int, int, str]] = []
    structural = False
    wanted: dict[str, Entry] = {}
    for entry in catalog.entries:
        if _leaf(entry) is not None:
            wanted[entry.key] = entry
    for key, item in memo.items.items():
        found = wanted.get(key)
        if found is None:
            structural = True
            continue
        entry = found
        if item.value is not None and entry.value is not None and entry.plurals is None:
            _patch(memo.decoded.text, item.value, entry.value, edits)
        elif item.plurals and entry.plurals is not None and set(entry.plurals) == set(item.plurals):
            for category, slot in item.plurals.items():
                _patch(memo.decoded.text, slot, entry.plurals[category], edits)
        else:
            structural = True
    if any(key not in memo.items for key in wanted):
        structural = True
    if structural:
        return _render_structural(catalog, memo)
    text = memo.decoded.text
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return memo.decoded.encode(text)


def _patch(text: str, slot: _Slot, value: str, edits: list[tuple[int, int, str]]) -> None:
    if value == slot.value:
        return
    original = text[slot.start : slot.end]
    prefix = _PROPERTIES.match(original)
    keep = prefix.group(0) if prefix else ""
    body = original[len(keep) :]
    end = slot.start + len(keep) + len(body.rstrip(" \t\n") if body[:1] in "|>" else body)
    edits.append((slot.start + len(keep), end, scalar(value, slot.style, slot.in_flow)))


def _render_structural(catalog: Catalog, memo: _Memo) -> bytes:
    """Keys were added or removed: edit ruamel's round-trip document and let it re-emit."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = _detect_indent(memo.decoded.text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = memo.decoded.text.lstrip().startswith("---")
    try:
        document = yaml.load(memo.decoded.text)
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
                item["translation"] = _yaml_value(leaf)
    else:
        top = document[memo.root_key] if memo.shape == "rails" else document
        for key, item in memo.items.items():
            parent = _descend(top, item.path[:-1])
            if key not in wanted and parent is not None:
                parent.pop(item.path[-1], None)
        for key, leaf in wanted.items():
            original = memo.items.get(key)
            if original is not None and not _changed(original, leaf):
                continue
            path = original.path if original else tuple(_nesting.path_of(key, set(wanted)))
            node = top
            for segment in path[:-1]:
                child = node.get(segment)
                if not isinstance(child, dict):
                    child = CommentedMap()
                    node[segment] = child
                node = child
            node[path[-1]] = _yaml_value(leaf)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return memo.decoded.encode(buffer.getvalue())


def _descend(node: Any, path: tuple[str, ...]) -> Any:
    for segment in path:
        if not isinstance(node, dict) or segment not in node:
            return None
        node = node[segment]
    return node if isinstance(node, dict) else None


def _changed(item: _Item | None, leaf: str | dict[str, str]) -> bool:
    if item is None:
        return True
    if isinstance(leaf, dict):
        return {c: s.value for c, s in item.plurals.items()} != leaf
    return item.value is None or item.value.value != leaf


def _yaml_value(leaf: str | dict[str, str]) -> Any:
    def one(text: str) -> str:
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
