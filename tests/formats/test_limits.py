"""Issue 15: over-long keys and values are refused by the codecs themselves, with the key and
the line, and files within the limits are never refused (minified, split or escaped text).

What is asserted is the refusal (content, message), not its speed: the timings are measured
by bench/huge_lines.py and reported in docs/import-export.md.
"""

from __future__ import annotations

import pytest

from entri.formats import get_format
from entri.formats.catalog import FormatError
from entri.formats.limits import MAX_KEY, MAX_VALUE

LONG = "x" * (MAX_VALUE + 1)
KEY = "k" * (MAX_KEY + 1)

TOO_LONG_VALUE = {
    "po": ('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "k"\nmsgstr "' + LONG + '"\n', 5),
    "po-split": ('msgid "k"\nmsgstr ""\n' + f'"{"y" * 60_000}"\n' * 2, 1),
    "properties": ("# c\nok=fine\nk=" + LONG + "\n", 3),
    "properties-escaped": ("k=" + "\\u00e9" * 10 + LONG + "\n", 1),
    "php-array": ("<?php\n\nreturn [\n    'ok' => 'fine',\n    'k' => '" + LONG + "',\n];\n", 5),
    "php-array-double": ('<?php\nreturn ["k" => "' + LONG + '"];\n', 2),
    "yaml": ("fr:\n  ok: fine\n  k: " + LONG + "\n", 3),
    "yaml-quoted": ('fr:\n  k: "' + LONG + '"\n', 2),
}


@pytest.mark.parametrize(("case"), list(TOO_LONG_VALUE))
def test_an_over_long_value_is_refused_with_key_and_line(case: str) -> None:
    content, line = TOO_LONG_VALUE[case]
    codec = get_format(case.split("-")[0] if not case.startswith("php") else "php-array").codec()
    with pytest.raises(FormatError, match="is longer than 100,000 characters") as caught:
        codec.parse(content.encode(), "fr")
    assert caught.value.line == line
    assert "'k'" in caught.value.message


TOO_LONG_KEY = {
    "po": 'msgid "' + KEY + '"\nmsgstr "v"\n',
    "properties": KEY + "=v\n",
    "php-array": "<?php\nreturn ['" + KEY + "' => 'v'];\n",
    "yaml": "fr:\n  ? " + KEY + "\n  : v\n",
}


@pytest.mark.parametrize("format_id", list(TOO_LONG_KEY))
def test_an_over_long_key_is_refused(format_id: str) -> None:
    with pytest.raises(FormatError, match=r"Key 'k+…' is longer than 10,000 characters"):
        get_format(format_id).codec().parse(TOO_LONG_KEY[format_id].encode(), "fr")


def test_php_nested_path_counts_as_the_key() -> None:
    nested = (
        "<?php\nreturn [" + "".join(f"'{'s' * 5000}{i}' => [" for i in range(3)) + "'leaf' => 'v'" + "]" * 4 + ";\n"
    )
    with pytest.raises(FormatError, match="longer than 10,000 characters"):
        get_format("php-array").codec().parse(nested.encode(), "fr")


MAX_TEXT = "v" * MAX_VALUE
LEGAL = {
    # a minified file: many entries on one line, far longer than any limit together
    "php-array": "<?php return [" + ",".join(f"'k{i}'=>'{'a' * 1000}'" for i in range(300)) + "];",
    "json-flat": "{" + ",".join(f'"k{i}":"{"a" * 1000}"' for i in range(300)) + "}",
    "yaml": "{fr: {" + ", ".join(f"k{i}: {'a' * 1000}" for i in range(300)) + "}}\n",
    # one value split over many lines, each short
    "po": 'msgid "k"\nmsgstr ""\n' + "".join(f'"{"b" * 99}\\n"\n' for _ in range(900)),
    # escapes: the encoded line is six times longer than the stored value
    "properties": "k=" + "\\u00e9" * MAX_VALUE + "\nnext=" + MAX_TEXT + "\n",
    "yaml-escaped": 'fr:\n  k: "' + "\\u00e9" * MAX_VALUE + '"\n',
    "po-escaped": 'msgid "k"\nmsgstr "' + "\\t" * MAX_VALUE + '"\n',
    # a properties value continued over many lines; a comment line ending in a backslash
    "properties-continued": "k="
    + "\\\n  ".join(["c" * 20_000] * 4)
    + "\n#"
    + "d" * 20_000
    + "\\\nkey2="
    + MAX_TEXT
    + "\n",
}


@pytest.mark.parametrize("case", list(LEGAL))
def test_files_within_the_limits_are_accepted(case: str) -> None:
    format_id = case if case in ("php-array", "json-flat") else case.split("-")[0]
    catalog = get_format(format_id).codec().parse(LEGAL[case].encode(), "fr")
    assert catalog.entries
    assert all(len(e.value or "") <= MAX_VALUE for e in catalog.entries)
    assert max(len(e.value or "") for e in catalog.entries) >= 1000
