"""Hostile files through the import API: each is refused with a 4xx, never a 500, and writes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from tests.files.helpers import do_export, do_import, key_total, messages

XXE = '<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n{body}\n'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE {root} [\n'
    ' <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n{body}\n"
)
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd">\n{body}\n'
PARAMETER_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]>\n{body}\n'
)

BODIES = {
    "android-xml": ("resources", '<resources><string name="a">{ref}</string></resources>'),
    "xliff": (
        "xliff",
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        'target-language="fr" datatype="plaintext" original="x"><body><trans-unit id="a"><source>A</source>'
        "<target>{ref}</target></trans-unit></body></file></xliff>",
    ),
    "xliff2": (
        "xliff",
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">'
        '<file id="f"><unit id="a"><segment><source>A</source><target>{ref}</target></segment></unit></file></xliff>',
    ),
    "ios-stringsdict": (
        "plist",
        '<plist version="1.0"><dict><key>a</key><dict><key>NSStringLocalizedFormatKey</key><string>{ref}</string>'
        "</dict></dict></plist>",
    ),
}
ATTACKS = {
    "xxe": (XXE, "&xxe;"),
    "billion-laughs": (LAUGHS, "&lol9;"),
    "external-dtd": (EXTERNAL_DTD, "A"),
    "parameter-entity": (PARAMETER_ENTITY, "A"),
}


@pytest.fixture
def project_id(tenant) -> str:
    return str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])


def _refused(client, tenant, project_id, format_id, content, **options) -> str:
    response = do_import(client, tenant.headers, project_id, "fr", format_id, content, **options)
    assert response.status_code == 400, (response.status_code, response.text[:500])
    assert key_total(client, tenant.headers, project_id) == 0
    exported = do_export(client, tenant.headers, project_id, "fr", "json-flat")
    assert exported.headers["x-total-keys"] == "0"
    return messages(response)


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("format_id", list(BODIES))
def test_xml_attacks_are_refused(tenant, client, project_id, format_id, attack):
    template, ref = ATTACKS[attack]
    root, body = BODIES[format_id]
    content = template.replace("{root}", root).replace("{body}", body.replace("{ref}", ref))
    text = _refused(client, tenant, project_id, format_id, content)
    assert "root:" not in text  # nothing of /etc/passwd leaks into the message


def test_json_nested_ten_thousand_deep_is_refused(tenant, client, project_id):
    content = '{"a":' * 10_000 + '"x"' + "}" * 10_000
    text = _refused(client, tenant, project_id, "json-nested", content)
    assert text.startswith("content: ")


def test_json_flat_deep_array_is_refused(tenant, client, project_id):
    content = '{"a":' + "[" * 10_000 + "]" * 10_000 + "}"
    _refused(client, tenant, project_id, "json-flat", content)


def test_yaml_alias_bomb_is_refused(tenant, client, project_id):
    """Aliases resolve as Rails resolves them (docs/formats/yaml.md), so a bomb would expand
    to 9^9 entries: it is refused once the expansion passes the cap, and nothing is written."""
    lines = ["a: &a {" + ", ".join(f"k{i}: lol" for i in range(9)) + "}"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} {{" + ", ".join(f"x{j}: *{prev}" for j in range(9)) + "}")
    content = "fr:\n" + "\n".join("  " + line for line in lines) + "\n"
    assert "aliases expand to more than" in _refused(client, tenant, project_id, "yaml", content)


def test_yaml_python_tag_is_refused(tenant, client, project_id):
    """Tags are never constructed, and one outside the core schema cannot be stored: refused by name."""
    content = "fr:\n  ok: Bien\n  a: !!python/object/apply:os.system ['id']\n"
    text = _refused(client, tenant, project_id, "yaml", content)
    assert "python/object/apply:os.system" in text and "line 3" in text


@pytest.mark.parametrize(
    "content",
    [
        "<?php system('id');",
        "<?php\nreturn ['a' => system('id')];\n",
        "<?php\nreturn ['a' => `id`];\n",
        "<?php\nreturn ['a' => \"${system('id')}\"];\n",
    ],
    ids=["statement", "call-in-array", "backticks", "interpolation"],
)
def test_php_code_is_refused(tenant, client, project_id, content):
    _refused(client, tenant, project_id, "php-array", content)


def test_body_over_two_megabytes_is_413_with_error_body(tenant, client, project_id, settings):
    content = json.dumps({f"k{i}": "x" * 1000 for i in range(2200)})
    assert len(content) > settings.max_body_bytes
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", content)
    assert response.status_code == 413
    body = response.json()
    assert body["statusCode"] == 413
    assert body["error"] == "Payload Too Large"
    assert isinstance(body["message"], str | list) and body["message"]
    assert body["path"] == f"/api/projects/{project_id}/import"
    assert body["timestamp"].endswith("Z")
    assert key_total(client, tenant.headers, project_id) == 0


def test_body_just_under_the_limit_is_accepted(tenant, client, project_id, settings):
    content = json.dumps({f"k{i}": "x" * 1000 for i in range(1900)})
    assert len(content) < settings.max_body_bytes - 1000
    response = do_import(client, tenant.headers, project_id, "fr", "json-flat", content)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1900


def test_garbage_base64_for_mo_is_refused(tenant, client, project_id):
    body = {"language": "fr", "format": "mo", "content": "!!! not base64 ???", "contentEncoding": "base64"}
    response = client.post(f"/api/projects/{project_id}/import", json=body, headers=tenant.headers)
    assert response.status_code == 400
    assert "base64" in messages(response)
    assert key_total(client, tenant.headers, project_id) == 0


@pytest.mark.parametrize(
    "data",
    [
        b"not a mo file at all",
        b"\xde\x12\x04\x95" + b"\x00" * 4 + b"\xff\xff\xff\x7f" * 5,  # absurd counts/offsets
        b"\xde\x12\x04\x95\x00\x00\x00\x00\x01\x00\x00\x00\x1c\x00\x00\x00\x24\x00\x00\x00"
        + b"\x00" * 8
        + b"\xff\x00\x00\x00\x00\x10\x00\x00",  # string table points past the end
    ],
    ids=["text", "huge-counts", "offset-past-end"],
)
def test_corrupt_mo_is_refused(tenant, client, project_id, data):
    body = {"language": "fr", "format": "mo", "content": base64.b64encode(data).decode(), "contentEncoding": "base64"}
    response = client.post(f"/api/projects/{project_id}/import", json=body, headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert key_total(client, tenant.headers, project_id) == 0


@pytest.mark.parametrize(
    ("format_id", "content"),
    [
        ("json-flat", '{"a": "\\u0000"}'),
        ("json-flat", '{"a": "\\ud800"}'),
        ("po", 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=n/0;\\n"\n\nmsgid "a"\nmsgstr "b"\n'),
        ("po", 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=999999; plural=n;\\n"\n\nmsgid "a"\nmsgstr "b"\n'),
        ("csv", "key,fr\na,\x00\n"),
        ("json-nested", "[1, 2, 3]"),
        ("yaml", "- a\n- b\n"),
    ],
    ids=[
        "json-nul",
        "json-lone-surrogate",
        "po-division-by-zero",
        "po-huge-nplurals",
        "csv-nul",
        "json-top-array",
        "yaml-top-list",
    ],
)
def test_unstorable_or_malformed_input_is_refused(tenant, client, project_id, format_id, content):
    _refused(client, tenant, project_id, format_id, content)


@pytest.mark.parametrize(
    "format_id",
    # not `properties`: every byte sequence is valid ISO-8859-1, which Java reads such files as
    [
        "json-flat",
        "json-nested",
        "yaml",
        "po",
        "xliff",
        "android-xml",
        "csv",
        "php-array",
        "ios-strings",
        "ios-stringsdict",
        "arb",
        "xliff2",
    ],
)
def test_binary_garbage_is_refused(tenant, client, project_id, format_id):
    data = bytes(range(256)) * 8
    _refused(client, tenant, project_id, format_id, data, force_base64=True)


ESCAPED_UNSTORABLE = {
    "properties-nul": ("properties", "a=x\\u0000y\n"),
    "properties-surrogate": ("properties", "a=\\ud800\n"),
    "properties-surrogate-key": ("properties", "\\ud800=x\n"),
    "android-nul": ("android-xml", '<resources><string name="a">x\\u0000y</string></resources>'),
    "android-surrogate": ("android-xml", '<resources><string name="a">\\uD800</string></resources>'),
    "yaml-nul": ("yaml", 'fr:\n  a: "x\\0y"\n'),
    "yaml-surrogate": ("yaml", 'fr:\n  a: "\\ud800"\n'),
    "strings-nul": ("ios-strings", '"a" = "x\\U0000y";\n'),
    "php-nul": ("php-array", "<?php\nreturn ['a' => \"x\\0y\"];\n"),
    "po-nul": ("po", 'msgid "a"\nmsgstr "x\\000y"\n'),
}


@pytest.mark.parametrize(
    ("format_id", "content"),
    [pytest.param(f, c, id=name) for name, (f, c) in ESCAPED_UNSTORABLE.items()],
)
def test_escaped_nul_or_lone_surrogate_is_refused(tenant, client, project_id, format_id, content):
    _refused(client, tenant, project_id, format_id, content)


@pytest.mark.parametrize(
    ("format_id", "content"),
    [
        ("php-array", "<?php\nreturn ['a' => \"\\u{D800}\"];\n"),
        ("xliff", BODIES["xliff"][1].replace("{ref}", "&#0;")),
        ("ios-stringsdict", BODIES["ios-stringsdict"][1].replace("{ref}", "&#xD800;")),
        ("json-flat", '{"a": "x\\u0000y"}'),
        ("arb", '{"a": "\\udc00"}'),
    ],
    ids=["php-surrogate", "xliff-nul-ref", "stringsdict-surrogate-ref", "json-nul", "arb-surrogate"],
)
def test_escaped_unstorable_text_refused_by_codecs_that_check(tenant, client, project_id, format_id, content):
    _refused(client, tenant, project_id, format_id, content)


def test_yaml_nested_a_thousand_deep_is_refused(tenant, client, project_id):
    content = "".join(f"{' ' * i}k{i}:\n" for i in range(1000)) + " " * 1000 + "leaf: x\n"
    assert _refused(client, tenant, project_id, "yaml", content).startswith("content: ")


def test_yaml_flow_nesting_is_refused(tenant, client, project_id):
    _refused(client, tenant, project_id, "yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_xliff_file_name_too_long_for_a_namespace_is_refused(tenant, client, project_id):
    unit = '<trans-unit id="k"><source>S</source><target>T</target></trans-unit>'
    files = "".join(
        f'<file source-language="en" target-language="fr" datatype="plaintext" original="{name}">'
        f"<body>{unit}</body></file>"
        for name in ("a" * 300, "b")
    )
    content = f'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">{files}</xliff>'
    assert "namespace" in _refused(client, tenant, project_id, "xliff", content)


def test_xliff_maxwidth_out_of_range_is_refused(tenant, client, project_id):
    unit = f'<trans-unit id="k" maxwidth="{10**15}"><source>S</source><target>T</target></trans-unit>'
    content = (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        f'target-language="fr" datatype="plaintext" original="x"><body>{unit}</body></file></xliff>'
    )
    assert "maximum length" in _refused(client, tenant, project_id, "xliff", content)
