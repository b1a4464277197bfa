"""Big JSON files are read and written chunk by chunk, and stay all or nothing.

The files here are a little over one chunk (files/writer.py CHUNK), so the first chunk is
written before the problem at the end of the file is read: the 400 must still leave the project
as it was, and a file the streaming reader hands back to the whole-file parser must be imported
once, not once and a half.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from entri.files import writer
from entri.formats import json_flat
from entri.formats.catalog import Entry
from tests.files.helpers import do_import, history, key_total, messages, snapshot, translations, values

N = writer.CHUNK + 500


def _lines(count: int, start: int = 0) -> list[str]:
    return [f'"k{i}": "value {i}"' for i in range(start, start + count)]


def _file(lines: list[str]) -> str:
    """One member per line, so a line number names the member."""
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.fixture
def seeded(tenant, client) -> str:
    """A project with one key translated by hand in fr, so history and versions are non-trivial."""
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    assert do_import(client, tenant.headers, project_id, "fr", "json-flat", '{"k0": "ancien"}').status_code == 200
    key = translations(client, tenant.headers, project_id, "fr")["k0"]["keyId"]
    url = f"/api/projects/{project_id}/keys/{key}/translations/fr"
    assert client.put(url, json={"value": "à la main"}, headers=tenant.headers).status_code == 200
    return project_id


def test_a_big_file_is_written_while_it_is_read(tenant, client, monkeypatch):
    read = 0
    at_writes: list[tuple[int, int]] = []
    stream, apply_chunk = json_flat.stream, writer._apply_chunk

    def counting(data: bytes, language: str) -> Iterator[Entry]:
        nonlocal read
        for entry in stream(data, language):
            read += 1
            yield entry

    def recording(session: Any, **kwargs: Any) -> None:
        at_writes.append((read, len(kwargs["chunk"])))
        apply_chunk(session, **kwargs)

    monkeypatch.setattr(json_flat, "stream", counting)
    monkeypatch.setattr(writer, "_apply_chunk", recording)
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    response = do_import(client, tenant.headers, project_id, "en", "json-flat", _file(_lines(N)))
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"]) == (N, N)
    assert at_writes == [(writer.CHUNK, writer.CHUNK), (N, N - writer.CHUNK)]


def test_a_syntax_error_after_the_first_chunk_writes_nothing(tenant, client, seeded):
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    content = _file(_lines(N)).replace(f'"k{N - 1}": ', f'"k{N - 1}" ')  # a missing colon, on line N + 1
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", content, overwrite=True)
    assert response.status_code == 400, response.text
    assert re.fullmatch(
        rf"content: Invalid JSON: Expecting ':' delimiter \(line {N + 1}, column \d+\)", messages(response)
    )
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before


def test_limit_problems_in_several_chunks_are_all_named_and_nothing_is_written(tenant, client, seeded):
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    lines = _lines(N)
    lines[10] = f'"{"a" * 10_001}": "x"'
    lines[N - 1] = f'"late": "{"b" * 100_001}"'
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", _file(lines), overwrite=True)
    assert response.status_code == 400, response.text
    assert response.json()["message"] == [
        f"content: key '{'a' * 60}…' is longer than 10000 characters",
        "content: the value of 'late' is longer than 100000 characters",
    ]
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before


def test_a_file_the_stream_hands_to_the_whole_file_parser_is_imported_once(tenant, client):
    """A fraction's spelling is the stored text, and the streaming reader does not see it: the
    import starts again with the whole-file parser, after the first chunk was written."""
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    content = _file([*_lines(N), '"ratio": 1.50'])
    response = do_import(client, tenant.headers, project_id, "en", "json-flat", content)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"], response.json()["warnings"]) == (N + 1, N + 1, [])
    assert key_total(client, tenant.headers, project_id) == N + 1
    rows = translations(client, tenant.headers, project_id, "en")
    assert (rows["ratio"]["value"], rows["k0"]["value"], rows["k0"]["version"]) == ("1.50", "value 0", 1)
    assert len(history(client, tenant.headers, project_id, rows["k0"]["keyId"], "en")) == 1


def test_an_identical_repeat_in_a_big_file_is_accepted_as_in_a_small_one(tenant, client):
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    content = _file([*_lines(N), '"k0": "value 0"'])
    response = do_import(client, tenant.headers, project_id, "en", "json-flat", content)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"], response.json()["warnings"]) == (N, N, [])


def test_a_different_repeat_in_a_big_file_writes_nothing(tenant, client, seeded):
    before = snapshot(client, tenant.headers, seeded, ["en", "fr"])
    content = _file([*_lines(N), '"k1": "autre"'])
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", content, overwrite=True)
    assert response.status_code == 400, response.text
    assert messages(response) == f"content: Duplicate key 'k1' with a different value (line {N + 2}, column 1)"
    assert snapshot(client, tenant.headers, seeded, ["en", "fr"]) == before


def test_a_big_file_over_existing_keys_counts_as_a_small_one(tenant, client, seeded):
    response = do_import(client, tenant.headers, seeded, "en", "json-flat", _file(_lines(N)))
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"]) == (N - 1, N)  # k0 existed
    lines = _lines(N + 10)
    lines[3] = '"k3": "nouveau"'
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", _file(lines))
    body = response.json()
    assert (body["created"], body["imported"], body["updated"], body["skipped"]) == (10, N + 9, 0, 1)  # k0 kept
    response = do_import(client, tenant.headers, seeded, "fr", "json-flat", _file(lines), overwrite=True)
    body = response.json()
    assert (body["created"], body["imported"], body["updated"], body["skipped"]) == (0, 1, 1, N + 9)
    fr = translations(client, tenant.headers, seeded, "fr")
    assert (fr["k0"]["value"], fr["k3"]["value"], len(fr)) == ("value 0", "nouveau", N + 10)


def test_an_existing_key_becomes_plural_when_a_streamed_file_says_so(tenant, client):
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    assert (
        do_import(client, tenant.headers, project_id, "en", "json-flat", '{"files": "files", "x": "y"}').json()[
            "created"
        ]
        == 2
    )
    content = json.dumps({"files_one": "{{count}} file", "files_other": "{{count}} files", "x": "y"})
    response = do_import(client, tenant.headers, project_id, "en", "json-nested", content, overwrite=True)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (0, 1)
    assert values(client, tenant.headers, project_id, "en")["files"] == (
        "plural",
        (("one", "{{count}} file"), ("other", "{{count}} files")),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"language": "fr", "format": "json-flat", "content": '{"a": "x\\u0000"}'}, None),
        (
            {"language": "fr", "format": "json-flat", "content": '{"a": "x\x00"}'},
            "text must not contain NUL characters",
        ),
        ({"language": "fr", "format": "json-flat", "content": 5}, "content: Input should be a valid string"),
        ({"language": "fr", "format": "json-flat"}, "content should not be empty"),
        ({"language": "fr", "format": "json-flat", "content": "{}", "extra": 1}, "property extra should not exist"),
        ({"language": "fr", "format": "nope", "content": "{}"}, "format must be one of: json-flat"),
    ],
    ids=["escaped-nul", "raw-nul", "content-not-text", "no-content", "extra-field", "unknown-format"],
)
def test_the_import_body_is_checked_as_any_body(tenant, client, body, message):
    """The import route reads its body itself (files/router.py ImportRoute): FastAPI's checks
    and messages stay as they are for every route."""
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    response = client.post(f"/api/projects/{project_id}/import", json=body, headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert message is None or message in messages(response), messages(response)
    assert key_total(client, tenant.headers, project_id) == 0


def test_a_body_that_is_not_json_is_answered_as_for_any_route(tenant, client):
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    headers = {**tenant.headers, "Content-Type": "application/json"}
    response = client.post(f"/api/projects/{project_id}/import", content=b'{"language": "fr",', headers=headers)
    assert response.status_code == 400, response.text
    assert messages(response).startswith("body is not valid JSON")
