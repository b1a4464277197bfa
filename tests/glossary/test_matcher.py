"""The pure matcher: offsets (end exclusive, in characters), boundaries, case, stemming, speed."""

from __future__ import annotations

import random
import time

import pytest

from entri.glossary.matcher import Entry, Matcher, NoWords, keys_for


def spans(
    terms: list[tuple[str, bool]], text: str, language: str = "en", longest: bool = True
) -> list[tuple[str, str]]:
    matcher = Matcher([Entry(t, cs, t) for t, cs in terms], language)
    found = matcher.find(text) if longest else matcher.find_all(text)
    return [(m.payload, text[m.start : m.end]) for m in found]


def test_offsets_are_characters_end_exclusive_with_non_ascii() -> None:
    text = "Ünïcödé 🎉 — öffne die Datei"
    matcher = Matcher([Entry("Datei", False, "d")], "de")
    [m] = matcher.find(text)
    assert (m.start, m.end) == (len(text) - 5, len(text))
    assert text[m.start : m.end] == "Datei"


def test_english_inflections_and_case() -> None:
    text = "Files, FILE and filing; a profile is not a file-ish thing"
    assert spans([("file", False)], text) == [("file", "Files"), ("file", "FILE"), ("file", "filing"), ("file", "file")]


def test_word_boundaries() -> None:
    assert spans([("art", False)], "start artist art, arts") == [("art", "art"), ("art", "arts")]
    assert spans([("file", False)], "file_name filename") == []


def test_case_sensitive_terms() -> None:
    text = "Apple apple APPLE Apples"
    assert spans([("Apple", True)], text) == [("Apple", "Apple"), ("Apple", "Apples")]


def test_german_inflections_and_umlauts() -> None:
    text = "Die Häuser und das Haus; Dateien einer Datei; Äpfel, STRASSE, Bauhaus"
    found = spans([("Haus", False), ("Datei", False), ("Apfel", False), ("Straße", False)], text, "de")
    assert [s for _, s in found] == ["Häuser", "Haus", "Dateien", "Datei", "Äpfel", "STRASSE"]


def test_other_stemmed_languages() -> None:
    assert [s for _, s in spans([("fichier", False)], "Deux fichiers", "fr")] == ["fichiers"]
    assert [s for _, s in spans([("файл", False)], "Три файлов и файлы", "ru")] == ["файлов", "файлы"]
    assert [s for _, s in spans([("archivo", False)], "Los archivos", "es")] == ["archivos"]


def test_unstemmed_language_matches_exact_words_case_folded() -> None:
    assert [s for _, s in spans([("tiedostot", False)], "TIEDOSTOT", "xx")] == ["TIEDOSTOT"]


def test_scripts_without_spaces_match_inside_runs() -> None:
    text = "このファイルを開く。新しいEntriアカウント"
    found = spans([("ファイル", False), ("Entri", True)], text, "ja")
    assert found == [("ファイル", "ファイル"), ("Entri", "Entri")]
    assert [s for _, s in spans([("文件", False)], "打开文件夹", "zh")] == ["文件"]


def test_multi_word_punctuation_and_longest() -> None:
    terms = [("file", False), ("file manager", False), ("e-mail", False), ("C++", True), (".NET", False)]
    text = "Open the File Managers. Send e-mail, not e mail, in C++ or .NET; file. Manager"
    assert spans(terms, text) == [
        ("file manager", "File Managers"),
        ("e-mail", "e-mail"),
        ("C++", "C++"),
        (".NET", ".NET"),
        ("file", "file"),
    ]
    every = spans(terms, "file manager", longest=False)
    assert every == [("file manager", "file manager"), ("file", "file")]


def test_term_without_words_is_refused() -> None:
    with pytest.raises(NoWords):
        Matcher([Entry("…", False, 1)], "en")


def test_empty_matcher_and_text() -> None:
    assert Matcher([], "en").find("anything") == []
    assert Matcher([Entry("a", False, 1)], "en").find("") == []


def test_keys_are_shared_per_base_language() -> None:
    assert keys_for("en-GB") is keys_for("en")


def _zipf_text(size: int) -> tuple[str, list[str]]:
    rng = random.Random(7)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(20000)]
    words = rng.choices(vocab, [1 / (i + 1) for i in range(len(vocab))], k=size // 5)
    text = " ".join(w + ("s" if i % 11 == 0 else "") for i, w in enumerate(words))
    text = ". ".join(text[i : i + 200].capitalize() for i in range(0, len(text), 200))
    return text[:size], vocab


def test_a_megabyte_is_matched_in_well_under_a_second() -> None:
    text, vocab = _zipf_text(1_000_000)
    rng = random.Random(3)
    terms = [Entry(w, i % 5 == 0, i) for i, w in enumerate(rng.sample(vocab[200:], 2000))]
    terms += [
        Entry(f"{a} {b}", False, -1) for a, b in zip(rng.sample(vocab[200:], 300), rng.sample(vocab, 300), strict=True)
    ]
    matcher = Matcher(terms, "en")
    started = time.process_time()
    found = matcher.find(text)
    spent = time.process_time() - started
    assert found
    assert spent < 1.0, f"{spent:.2f} s CPU for 1 MB"


def test_a_megabyte_of_cjk_is_linear() -> None:
    rng = random.Random(5)
    text = "".join(chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(1_000_000))
    matcher = Matcher([Entry(chr(0x4E00 + i) + chr(0x4E01 + i), False, i) for i in range(300)], "zh")
    started = time.process_time()
    matcher.find(text)
    assert time.process_time() - started < 1.0


def test_lower_casing_keeps_offsets() -> None:
    import sys

    from entri.glossary.matcher import _FOLD_TABLE, lowered

    assert {c for c in range(sys.maxunicode + 1) if len(chr(c).lower()) > 1} == set(_FOLD_TABLE)
    text = "İstanbul'da DOSYA"
    assert len(lowered(text)) == len(text)
    [m] = Matcher([Entry("dosya", False, 1)], "tr").find(text)
    assert text[m.start : m.end] == "DOSYA"
