"""How many words a text has, for the progress and contributor figures (docs/analytics.md).

A word is a run of letters and digits, joined by an inner apostrophe, hyphen or dot (`don't`,
`e-mail`, `3.14`, `example.com` are one word each). Each Han character, kana and half-width
kana counts as one word, since Chinese and Japanese do not separate words by spaces (the
convention of CAT tools). Markup tags and simple placeholders (`{name}`, `{{count}}`, `%s`,
`%1$d`, `%(name)s`, `%{name}`, `%@`) are not words. Scripts written without spaces that are not
CJK (Thai, Lao, Khmer, Burmese) count one word per space-separated run: a known undercount.

Characters are Unicode code points of the stored text, placeholders and tags included.
"""

from __future__ import annotations

import re

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
_NOT_WORDS = re.compile(
    r"</?[A-Za-z][^<>]*>"  # tags
    r"|\{\{-?\s*[\w.\-]*\s*\}\}"  # {{name}}, {{- name}}
    r"|\{[\w.\-]*\}"  # {name}, {0}, {}
    r"|%(?:\d+\$)?[-+#0]*\d*(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@]"  # printf
    r"|%\(\w+\)[a-zA-Z]|%\{\w+\}|%<\w+>[a-zA-Z]"  # Python and Ruby named
)
_MARKS = frozenset("<{%")


def count_words(text: str | None) -> int:
    """The number of words in `text` (0 for None or "")."""
    if not text:
        return 0
    if not _MARKS.isdisjoint(text):
        text = _NOT_WORDS.sub(" ", text)
    if text.isascii():
        return len(_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    if cjk:
        text = _CJK.sub(" ", text)
    return cjk + len(_WORD.findall(text))


def count_characters(text: str | None) -> int:
    return len(text) if text else 0
