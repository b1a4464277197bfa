"""All or nothing: a file that fails in its LAST entry writes nothing, and says where it failed."""

from __future__ import annotations

import json
import re

import pytest

from tests.files.helpers import do_import, messages, snapshot, translations

PO_HEADER = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
XLIFF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
    '<file source-language="en" target-language="fr" datatype="plaintext" original="x"><body>\n'
)
PLIST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
    '<plist version="1.0">\n<dict>\n'
)

# (format, file whose last entry is broken, line of the problem)
BROKEN = {
    "json-flat": ('{\n  "existing": "Nouveau",\n  "b": "B",\n  "c": "C"\n  "d": "D"\n}\n', 5),
    "json-nested": ('{\n  "existing": "Nouveau",\n  "grp": {\n    "b": "B",\n    "c": "C",\n  }\n}\n', 6),
    "arb": ('{\n  "@@locale": "fr",\n  "existing": "Nouveau",\n  "b": "B",\n  "c": \n}\n', 6),
    "yaml": ('fr:\n  existing: "Nouveau"\n  b: "B"\n  c: "unterminated\n', 5),  # reported at the end of the stream
    "po": (PO_HEADER + 'msgid "existing"\nmsgstr "Nouveau"\n\nmsgid "b"\nmsgstr "B"\n\nmsgid "c"\nmsgstr "C\n', 13),
    "android-xml": (
        '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n'
        '  <string name="existing">Nouveau</string>\n  <string name="b">B</string>\n'
        '  <string name="c">C</strin>\n</resources>\n',
        5,
    ),
    "xliff": (
        XLIFF_HEAD + '<trans-unit id="existing"><source>Old</source><target>Nouveau</target></trans-unit>\n'
        '<trans-unit id="b"><source>B</source><target>B</target></trans-unit>\n'
        '<trans-unit id="c"><source>C</source><target>C</target></trans-unt>\n'
        "</body></file>\n</xliff>\n",
        6,
    ),
    "ios-stringsdict": (
        PLIST_HEAD + "<key>existing</key>\n<dict>\n<key>NSStringLocalizedFormatKey</key>\n<string>%#@n@</string>\n"
        "<key>n</key>\n<dict><key>NSStringFormatSpecTypeKey</key><string>NSStringPluralRuleType</string>"
        "<key>other</key><string>%d</string></dict>\n</dict>\n<key>c</key>\n<string>oops</strin>\n</dict>\n</plist>\n",
        13,
    ),
    "php-array": ("<?php\n\nreturn [\n    'existing' => 'Nouveau',\n    'b' => 'B',\n    'c' => 'C,\n];\n", 6),
    "ios-strings": ('"existing" = "Nouveau";\n"b" = "B";\n"c" = "C"\n', 4),  # the missing `;` is found at end of file
    "properties": ("existing=Nouveau\nb=B\nc=\\uZZZZ\n", 3),
    "csv": ('key,fr\nexisting,Nouveau\nb,B\nc,"unterminated\n', 4),
    "xliff2": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">\n'
        '<file id="f">\n<unit id="existing"><segment><source>Old</source><target>Nouveau</target></segment></unit>\n'
        '<unit id="c"><segment><source>C</source><target>C</target></segment></unt>\n</file>\n</xliff>\n',
        5,
    ),
}


@pytest.fixture
def seeded(tenant, client) -> str:
    """A project with one key `existing` translated by hand (fr), so history is non-trivial."""
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    body = json.dumps({"existing": "Ancien"})
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", body)
    assert response.status_code == 200, response.text
    key = translations(client, tenant.headers, project_id, "fr")["existing"]["keyId"]
    url = f"/api/projects/{project_id}/keys/{key}/translations/fr"
    assert client.put(url, json={"value": "Existant"}, headers=tenant.headers).status_code == 200
    return project_id


@pytest.mark.parametrize(
    ("format_id", "content", "line"), [(f, c, n) for f, (c, n) in BROKEN.items()], ids=list(BROKEN)
)
def test_syntax_error_in_last_entry_writes_nothing(tenant, client, seeded, format_id, content, line):
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    response = do_import(client, tenant.headers, seeded, "fr", format_id, content, overwrite=True)
    assert response.status_code == 400, response.text
    text = messages(response)
    assert text.startswith("content: "), text
    found = re.search(r"line (\d+)", text)
    assert found, f"no line in {text!r}"
    assert int(found.group(1)) == line, text
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before
    assert before["fr"]["existing"][0] == "Existant"


@pytest.mark.parametrize("format_id", ["json-flat", "yaml", "po", "android-xml", "xliff", "properties"])
def test_overlong_key_in_last_entry_writes_nothing(tenant, client, seeded, format_id):
    long_key = "k" * 10_001
    entries = {"existing": "Nouveau", "b": "B", long_key: "C"}
    content = {
        "json-flat": json.dumps(entries),
        # YAML allows a plain key of at most 1,024 characters: a long one goes in explicit `? key` form.
        "yaml": "fr:\n" + "".join(f"  ? {k}\n  : {v}\n" for k, v in entries.items()),
        "po": PO_HEADER + "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items()),
        "android-xml": "<resources>\n"
        + "".join(f'  <string name="{k}">{v}</string>\n' for k, v in entries.items())
        + "</resources>\n",
        "xliff": XLIFF_HEAD
        + "".join(
            f'<trans-unit id="{k}"><source>{k}</source><target>{v}</target></trans-unit>\n' for k, v in entries.items()
        )
        + "</body></file>\n</xliff>\n",
        "properties": "".join(f"{k}={v}\n" for k, v in entries.items()),
    }[format_id]
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    response = do_import(client, tenant.headers, seeded, "fr", format_id, content, overwrite=True)
    assert response.status_code == 400, response.text
    # Slow parsers refuse it themselves, before parsing all of it, with the line (formats/limits.py).
    assert re.fullmatch(
        rf"content: [Kk]ey '{'k' * 60}…' is longer than 10,?000 characters( \(line \d+\))?", messages(response)
    )
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before


def test_overlong_value_in_last_entry_writes_nothing(tenant, client, seeded):
    content = json.dumps({"existing": "Nouveau", "big": "x" * 100_001})
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", content, overwrite=True)
    assert response.status_code == 400, response.text
    assert messages(response) == "content: the value of 'big' is longer than 100000 characters"
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before


def test_valid_import_after_a_failed_one_applies_normally(tenant, client, seeded):
    assert do_import(client, tenant.headers, seeded, "fr", "json-flat", BROKEN["json-flat"][0]).status_code == 400
    response = do_import(
        client, tenant.headers, seeded, "fr", "json-flat", json.dumps({"existing": "Nouveau"}), overwrite=True
    )
    assert response.status_code == 200, response.text
    assert (response.json()["imported"], response.json()["updated"]) == (1, 1)
