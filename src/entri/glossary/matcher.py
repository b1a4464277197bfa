"""Find glossary terms in a text: one Aho-Corasick automaton, word boundaries, case rules per
term and Snowball stemming, with character offsets.

Pure: no database, no HTTP. Built once from terms (`Matcher(entries, language)`), then used
for any number of texts, in time linear in the text plus the candidates it holds
(docs/glossary.md, "Matching").

Words. A *word* is a run of letters, digits, `_` and combining marks (Devanagari vowel signs
and the Persian zero-width non-joiner stay inside their word). In the scripts written without
spaces (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar, Bopomofo) every character
(with its marks) is a word of its own, so a term in those scripts is found wherever its
characters occur in a row, and a Latin term next to them (`Entriアプリ`) still has its boundary.

How a term is found. Each word of a term has a *key*: the word case-folded, then stemmed with
the language's Snowball stemmer when it has one (`STEMMERS`): `files` → `file`, `Dateien` →
`datei`. The automaton runs over the lower-cased text and holds, per term, the part of its first
word that every inflection shares (the common prefix of the word and its stem: `hap` for
`happy`/`happi`, one letter shorter since other forms may lose it: `fil` for `file`/`filing`;
in German also in every umlaut spelling of its a, o, u: Haus → Häuser).
A hit at the start of a word is then verified: the words that follow must have the term's keys,
separated by the same punctuation (runs of whitespace read as one space: `e-mail` does not match
`e mail`, and `file save` does not match `file. Save`). Punctuation attached to the first or
last word belongs to the term (`C++`, `.NET`); punctuation set apart by a space does not.

Case. A case-insensitive term matches any casing; a case-sensitive one must also agree letter
for letter with the text over the part of each word the two share (`Apple` matches `Apples`,
not `apple` or `APPLE`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick
import snowballstemmer

P = TypeVar("P")

STEMMERS: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
"""Base language -> Snowball algorithm. Languages not listed (ja, zh, ko, th, uk, …) are matched
case-folded without stemming."""

UNSTABLE: dict[str, tuple[str, str]] = {"de": ("aouäöü", "äöüaou")}
"""Letters an inflection may change inside the stem (German umlaut plurals: Haus → Häuser),
with their counterparts: the automaton holds the prefix in every spelling of them (at most
`_MAX_SWAPS` of them; it stops before a further one)."""
_MAX_SWAPS = 3

_NO_SPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
"""Scripts written without spaces between words: every character is a word."""


def _mark_class() -> str:
    """Every combining mark (Mn, Mc, Me) of the Basic Multilingual Plane, plus the zero-width
    (non-)joiners: characters that belong to the word they sit in."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if code in (0x200C, 0x200D) or unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


_MARKS = _mark_class()
_TOKEN = re.compile(f"[{_NO_SPACE}][{_MARKS}]*+|(?:[^\\W{_NO_SPACE}]++|[{_MARKS}]++)++")
_GAP = re.compile(f"[^\\w{_MARKS}]*+")
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE}]")
_SPACES = re.compile(r"\s+")
_CACHE_LIMIT = 100_000
_LONGEST_STEMMED = 64


def base_language(language: str) -> str:
    """`pt` for `pt-BR`, `zh` for `zh-Hans`."""
    return language.replace("_", "-").split("-", 1)[0].lower()


_FOLD_TABLE = {0x130: "i"}
"""The one character whose lower case is two characters (`İ` → `i̇`, Unicode 15): mapped to one,
so lower-casing keeps offsets (`tests/glossary/test_matcher.py` holds the list complete)."""


def lowered(text: str) -> str:
    """`text` lower-cased, offsets kept: the automaton's hits are offsets into `text`."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_FOLD_TABLE).lower()


class Keys:
    """Word -> key (case-folded, stemmed) for one language, with a bounded cache: a text
    repeats its words, and a stemmer call costs microseconds. Shared by every matcher of the
    language; a stemmer holds state between calls, so calls into it take a lock."""

    def __init__(self, language: str) -> None:
        self.language = base_language(language)
        algorithm = STEMMERS.get(self.language)
        self._stem: Callable[[str], str] | None = (
            snowballstemmer.stemmer(algorithm).stemWord if algorithm is not None else None
        )
        self._lock = threading.Lock()
        self._cache: dict[str, str] = {}

    @property
    def stemmed(self) -> bool:
        return self._stem is not None

    def key(self, word: str) -> str:
        found = self._cache.get(word)
        if found is not None:
            return found
        folded = word.casefold()
        if self._stem is not None and len(folded) <= _LONGEST_STEMMED:
            with self._lock:
                folded = self._stem(folded) or folded
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = folded
        return folded

    def prefixes(self, word: str) -> set[str]:
        """The lower-cased beginnings every word with the same key starts with: the common
        prefix of the word and its stem, in every spelling of its unstable letters."""
        low = lowered(word)
        stem = lowered(self.key(word))
        n = 0
        while n < len(low) and n < len(stem) and low[n] == stem[n]:
            n += 1
        if self.stemmed and n >= 2:
            n -= 1  # the stem's last letter may go in other forms: file → filing, use → using
        found = {low[: max(n, 1)]}
        swaps = UNSTABLE.get(self.language)
        if swaps is not None:
            letters, counterparts = swaps
            for position in [i for i, c in enumerate(low[: max(n, 1)]) if c in letters][:_MAX_SWAPS]:
                found |= {p[:position] + counterparts[letters.index(p[position])] + p[position + 1 :] for p in found}
            n = max(n, 1)
            cut = [i for i, c in enumerate(low[:n]) if c in letters][_MAX_SWAPS:]
            if cut:
                found = {p[: cut[0]] for p in found}
        return found


_KEYS: dict[str, Keys] = {}
_KEYS_LOCK = threading.Lock()


def keys_for(language: str) -> Keys:
    """The shared `Keys` of a language (by base language: en-GB and en stem alike)."""
    base = base_language(language)
    found = _KEYS.get(base)
    if found is None:
        with _KEYS_LOCK:
            found = _KEYS.setdefault(base, Keys(base))
    return found


@dataclass(frozen=True, slots=True)
class Entry(Generic[P]):
    """One text to find (a term, or a term's translation), and what to report with it."""

    text: str
    case_sensitive: bool
    payload: P


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    start: int
    end: int
    """Character offsets into the text, end exclusive."""
    payload: P


class NoWords(ValueError):
    """A term without any letter or digit: nothing a word boundary could delimit."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A term read into what verification compares: the punctuation before its first word
    (`lead`), each word's key and the (whitespace-normalized) text before it, the punctuation
    after its last word (`trail`), and its words as written (for case-sensitive terms)."""

    lead: str
    keys: tuple[str, ...]
    gaps: tuple[str, ...]
    trail: str
    words: tuple[str, ...]


def _gap(text: str) -> str:
    return text if text == " " or not text else _SPACES.sub(" ", text)


def read_pattern(text: str, keys: Keys) -> Pattern:
    """`text` as a `Pattern`; `NoWords` when it has no word to anchor on."""
    stripped = text.strip()
    spans = [m.span() for m in _TOKEN.finditer(stripped)]
    if not spans:
        raise NoWords(f"'{text}' has no letter or digit")
    words = tuple(stripped[s:e] for s, e in spans)
    gaps = ("", *(_gap(stripped[spans[i - 1][1] : spans[i][0]]) for i in range(1, len(spans))))
    lead = stripped[: spans[0][0]].rsplit(None, 1)[-1] if spans[0][0] else ""
    tail = stripped[spans[-1][1] :]
    trail = tail.split(None, 1)[0] if tail.strip() else ""
    return Pattern(lead, tuple(keys.key(w) for w in words), gaps, trail, words)


def _same_case(term_word: str, text_word: str) -> bool:
    """Do the two agree in case over the part they share case-insensitively?"""
    for a, b in zip(term_word, text_word, strict=False):
        if a == b:
            continue
        return a.lower() != b.lower()  # a differing letter ends the shared part; a case change fails
    return True


_WORD_START = "\x1e"
_ASCII_GAPS = {c: _WORD_START for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
_NOT_WORD = re.compile(f"[^\\w{_MARKS}]|[{_NO_SPACE}]")


def word_starts(low: str) -> str:
    """`low` with every character that cannot continue a spaced-script word (punctuation,
    spaces, and the characters of scripts without spaces) replaced by a marker, and one marker
    in front: a key `marker + prefix` then hits only where a word begins. Same offsets + 1."""
    marked = low.translate(_ASCII_GAPS) if low.isascii() else _NOT_WORD.sub(_WORD_START, low)
    return _WORD_START + marked


Candidates = dict[str, list[int]]
"""First word's key -> indexes of the patterns starting with it."""


class Matcher(Generic[P]):
    """Entries of one language, ready to be found in any number of texts.

    Two automata: terms that start with a word of a spaced script are looked up by the
    beginning their inflections share, and only where a word begins (`word_starts`); terms that
    start in a script without spaces by their leading run of such characters, anywhere. Every
    hit is then verified word by word (`_verify`).
    """

    def __init__(self, entries: Iterable[Entry[P]], language: str) -> None:
        self.language = language
        self.keys = keys_for(language)
        self.entries: list[Entry[P]] = list(entries)
        self.patterns = [read_pattern(entry.text, self.keys) for entry in self.entries]
        spaced: dict[str, Candidates] = {}
        unspaced: dict[str, Candidates] = {}
        for index, pattern in enumerate(self.patterns):
            first = pattern.words[0]
            if _NO_SPACE_CHAR.match(first):
                run = first
                for gap, word in zip(pattern.gaps[1:], pattern.words[1:], strict=True):
                    if gap or not _NO_SPACE_CHAR.match(word):
                        break
                    run += word
                unspaced.setdefault(lowered(run), {}).setdefault(pattern.keys[0], []).append(index)
            else:
                for prefix in self.keys.prefixes(first):
                    spaced.setdefault(_WORD_START + prefix, {}).setdefault(pattern.keys[0], []).append(index)
        self._single = frozenset(
            i
            for i, p in enumerate(self.patterns)
            if len(p.keys) == 1 and not p.lead and not p.trail and not self.entries[i].case_sensitive
        )
        self._spaced = _automaton(spaced)
        self._unspaced = _automaton(unspaced)

    def find_all(self, text: str) -> list[Match[P]]:
        """Every occurrence of every entry, overlapping ones included, by start then longest."""
        found: list[Match[P]] = []
        if not text or (self._spaced is None and self._unspaced is None):
            return found
        low = lowered(text)
        hits: list[tuple[int, tuple[int, Candidates]]] = []
        if self._spaced is not None:
            # The marked text is one longer: its end index is the text's last index + 1.
            hits += self._spaced.iter(word_starts(low))
        if self._unspaced is not None:
            hits += self._unspaced.iter(low)
        # Locals: this loop runs once per hit (a word start whose beginning a term shares).
        token_at, key, single, entries, patterns = (
            _TOKEN.match,
            self.keys.key,
            self._single,
            self.entries,
            self.patterns,
        )
        for last, (length, candidates) in hits:
            start = last - length + 1
            word = token_at(text, start)
            if word is None:
                continue
            chosen = candidates.get(key(word.group()))
            if chosen is None:
                continue
            for index in chosen:
                if index in single:  # one word, no punctuation, any case: the key decided
                    found.append(Match(start, word.end(), entries[index].payload))
                    continue
                pattern = patterns[index]
                lead = len(pattern.lead)
                if lead and lowered(text[max(0, start - lead) : start]) != lowered(pattern.lead):
                    continue
                end = self._verify(text, word, pattern, entries[index].case_sensitive)
                if end is not None:
                    found.append(Match(start - lead, end, entries[index].payload))
        found.sort(key=lambda m: (m.start, -m.end))
        return found

    def _verify(self, text: str, first: re.Match[str], pattern: Pattern, case_sensitive: bool) -> int | None:
        """The end offset of `pattern` read from `first` (its first word, already matched by
        key), or None when the following words, gaps, case or trailing punctuation differ."""
        words = [first.group()]
        position = first.end()
        for gap, wanted in zip(pattern.gaps[1:], pattern.keys[1:], strict=True):
            between = _GAP.match(text, position)
            if between is None or _gap(between.group()) != gap:
                return None
            word = _TOKEN.match(text, between.end())
            if word is None or self.keys.key(word.group()) != wanted:
                return None
            words.append(word.group())
            position = word.end()
        if pattern.trail and not text.startswith(pattern.trail, position):
            return None
        if case_sensitive and not all(_same_case(a, b) for a, b in zip(pattern.words, words, strict=True)):
            return None
        return position + len(pattern.trail)

    def find(self, text: str) -> list[Match[P]]:
        """Leftmost-longest occurrences (see `longest`)."""
        return longest(self.find_all(text))


def _automaton(keys: dict[str, Candidates]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, candidates in keys.items():
        automaton.add_word(key, (len(key), candidates))
    automaton.make_automaton()
    return automaton


def longest(matches: Sequence[Match[P]]) -> list[Match[P]]:
    """Non-overlapping matches, leftmost first and then longest (`file manager` hides the
    `file` inside it); matches of several entries on the very same span are all kept.
    `matches` must be ordered as `find_all` orders them."""
    kept: list[Match[P]] = []
    end = -1
    span = (-1, -1)
    for match in matches:
        if (match.start, match.end) == span:
            kept.append(match)
        elif match.start >= end:
            kept.append(match)
            span = (match.start, match.end)
            end = match.end
    return kept


def has_words(text: str) -> bool:
    """True when `text` holds a letter or digit a match could start at."""
    return _TOKEN.search(text) is not None
