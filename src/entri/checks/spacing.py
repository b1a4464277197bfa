"""Whitespace, line breaks and punctuation: the cheap checks that catch copy-paste slips.

Punctuation compares what kind of mark ends the text, not the character: `.` and `。`, `?`,
`？` and `؟`, `…` and `...` are the same kind, so a Japanese or Arabic translation passes with
its own marks. Language rules beyond that: Greek `;` is a question mark; Armenian puts `՞` `՜`
inside the word and ends every sentence with `։` (or `:`), so its endings only need to be some
sentence end; Thai and Lao have no full stop; a Japanese question may end with `か`; Spanish
questions and exclamations need their opening `¿` `¡`; French needs a no-break space (U+00A0
or the narrow U+202F) before `: ; ! ?` (Canadian French only before `:`).
"""  # noqa: RUF002

from __future__ import annotations

import re
from functools import lru_cache

from entri.checks.base import Context, Severity, Subject
from entri.checks.forms import pairs
from entri.checks.registry import register
from entri.checks.text import quote

_ENDINGS = {
    **dict.fromkeys(".。．।۔։።။។", "stop"),  # noqa: RUF001
    **dict.fromkeys("?？؟\u037e", "question"),  # noqa: RUF001
    **dict.fromkeys("!！", "exclamation"),  # noqa: RUF001
    **dict.fromkeys(":：︓", "colon"),  # noqa: RUF001
    **dict.fromkeys(";；؛", "semicolon"),  # noqa: RUF001
    **dict.fromkeys(",，、،", "comma"),  # noqa: RUF001
    **dict.fromkeys("…⋯", "ellipsis"),
}
_SENTENCE_ENDS = frozenset({"stop", "question", "exclamation", "colon"})
_NO_FULL_STOP = frozenset({"th", "lo"})
_SPECIAL_LANGUAGES = frozenset({"es", "fr"})
_PLAIN_ENDINGS = frozenset("!?:,)]}>\"'%")
_FRENCH_UNSPACED = re.compile(r"(?<=[^\u00a0\u202f:;!?\n])[:;!?](?![\w/=])")
"""A French `: ; ! ?` used as punctuation (not in `10:30`, `http://`, `?q=`) after anything but a
no-break space (or another such mark, as in `?!`)."""
_ENTITY = re.compile(r"&#?\w{1,10};")
_NO_BREAK_ENTITIES = frozenset({"&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&#8239;", "&#x202f;", "&#x202F;"})


def _entity_stand_in(found: re.Match[str]) -> str:
    """An HTML entity read as one character: a no-break space, or some other character."""
    return "\u00a0" if found.group() in _NO_BREAK_ENTITIES else "x"


@lru_cache(maxsize=1024)
def _language_parts(language: str) -> tuple[str, str]:
    parts = language.replace("_", "-").lower().split("-")
    return parts[0], parts[-1] if len(parts) > 1 else ""


def base_language(language: str) -> str:
    """`fr` for `fr-CA`, `zh` for `zh_Hans`."""
    return _language_parts(language)[0]


def _edge(text: str, leading: bool) -> str:
    """The leading or trailing whitespace of `text`, line breaks left out (`newlines` sees them)."""
    stripped = text.lstrip() if leading else text.rstrip()
    run = text[: len(text) - len(stripped)] if leading else text[len(stripped) :]
    return run.replace("\n", "").replace("\r", "")


def _full_width(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


@register("whitespace", Severity.WARNING, "Leading or trailing whitespace differs from the source", needs_source=True)
def whitespace(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, source, target in pairs(subject):
        if source is None:
            continue
        if not (source[0].isspace() or source[-1].isspace() or target[0].isspace() or target[-1].isspace()):
            continue
        problems = []
        for leading, side in ((True, "leading"), (False, "trailing")):
            expected, actual = _edge(source, leading), _edge(target, leading)
            if expected == actual:
                continue
            if not leading and expected and not actual and _full_width(target.rstrip()[-1:]):
                continue  # "Name: " → "名前：": a full-width mark has its own space.  # noqa: RUF003
            problems.append(f"{side} whitespace {actual!r}, the source has {expected!r}")
        if problems:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}{'; '.join(problems)} in {quote(target)}")
    return found


@register(
    "newlines",
    Severity.WARNING,
    "Line breaks differ from the source (count, leading or trailing)",
    needs_source=True,
    triggers=["\n"],
)
def newlines(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, source, target in pairs(subject):
        if source is None or ("\n" not in source and "\n" not in target):
            continue
        problems = []
        expected, actual = source.count("\n"), target.count("\n")
        if expected != actual:
            problems.append(f"{actual} line breaks, the source has {expected}")
        for name, edge in (("starts", source.lstrip(" \t").startswith), ("ends", source.rstrip(" \t").endswith)):
            has = target.lstrip(" \t").startswith("\n") if name == "starts" else target.rstrip(" \t").endswith("\n")
            if edge("\n") != has:
                problems.append(f"the source {name} with a line break, the translation {'does' if has else 'does not'}")
        if problems:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}{'; '.join(problems)} in {quote(target)}")
    return found


@register(
    "double_space", Severity.WARNING, "A double space the source does not have", needs_source=True, triggers=["  "]
)
def double_space(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, source, target in pairs(subject):
        if source is not None and "  " in target and "  " not in source:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}double space in {quote(target)}")
    return found


def ending(text: str, language: str) -> str | None:
    """The kind of mark that ends `text` in `language` (None: no punctuation)."""
    stripped = text.rstrip()
    if not stripped:
        return None
    if stripped.endswith("..."):
        return "ellipsis"
    last = stripped[-1]
    if language == "el" and last in ";\u037e":
        return "question"
    if language == "el" and last in "\u0387\u00b7":
        return "semicolon"
    kind = _ENDINGS.get(last)
    if language == "hy" and kind in _SENTENCE_ENDS:
        return "stop"
    return kind


def _ending_problem(source: str, target: str, source_language: str, language: str) -> str | None:
    expected = ending(source, "hy" if language == "hy" else source_language)
    actual = ending(target, language)
    if expected == actual:
        return None
    if expected == "stop" and actual is None and language in _NO_FULL_STOP:
        return None
    if language == "el" and expected == "semicolon" and actual == "question" and target.rstrip()[-1] == ";":
        return None  # Greek ";" is a question mark, yet translators keep an English ";" as it is
    if expected == "question" and language == "ja" and (actual == "stop" or target.rstrip().endswith("か")):
        return None
    said_source = f"'{source.rstrip()[-1]}'" if expected else "no punctuation"
    said_target = f"'{target.rstrip()[-1]}'" if actual else "no punctuation"
    return f"ends with {said_target}, the source with {said_source}"


def _language_problems(target: str, language: str, region: str) -> list[str]:
    problems = []
    if language == "es":
        end = ending(target, language)
        if end == "question" and "¿" not in target:
            problems.append("a Spanish question needs its opening '¿'")
        elif end == "exclamation" and "¡" not in target:
            problems.append("a Spanish exclamation needs its opening '¡'")
    elif language == "fr" and any(mark in target for mark in ":;!?"):
        text = _ENTITY.sub(_entity_stand_in, target) if "&" in target else target
        marks = set(_FRENCH_UNSPACED.findall(text))
        if region == "ca":
            marks &= {":"}
        if marks:
            listed = " ".join(sorted(marks))
            problems.append(f"French needs a no-break space (U+202F or U+00A0) before {listed}")
    return problems


@register(
    "punctuation",
    Severity.WARNING,
    "Trailing punctuation differs from the source (language-aware)",
    needs_source=True,
)
def punctuation(subject: Subject, context: Context) -> list[str]:
    language, region = _language_parts(subject.language)
    source_language = _language_parts(subject.source_language)[0]
    found = []
    for category, source, target in pairs(subject):
        if source is None or target == source:
            continue  # a copy of the source is `unchanged`'s business, not punctuation's
        problems = _language_problems(target, language, region) if language in _SPECIAL_LANGUAGES else []
        last = target[-1]
        if (
            last == source[-1]
            and (last.isalnum() or last in _PLAIN_ENDINGS or (last == "." and source[-2:] != ".." != target[-2:]))
            and source_language != "el" != language
        ):
            problem = None  # the same last character: the same kind of ending (the common case)
        else:
            problem = _ending_problem(source, target, source_language, language)
        if problem is not None:
            problems.insert(0, problem)
        if problems:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}{'; '.join(problems)} in {quote(target)}")
    return found
