"""init -> push -> translate -> pull on real locale files, against a real server: the files that
come back, byte for byte; pull's ETag skip, folders, atomic writes and its refusal to clobber
local changes; Android's base `values` folder."""

from __future__ import annotations

import os
import shutil

from entri.formats import get_format
from tests.cli.conftest import Cli, corpus, export, laravel_repo, new_project, translations, write_config

PHP = get_format("php-array").codec()


def _values(data: bytes, language: str) -> dict[str, str | None]:
    return {e.key: e.value for e in PHP.parse(data, language).entries}


def _in_order(lines: list[bytes], within: list[bytes]) -> bool:
    rest = iter(within)
    return all(any(line == other for other in rest) for line in lines)


def test_init_push_translate_pull_gives_back_the_expected_files(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    original_fr = (cli.cwd / "lang/fr/validation.php").read_bytes()
    original_en = (cli.cwd / "lang/en/validation.php").read_bytes()

    logged = cli("login", "-t", cli.server.token, NT3_API_TOKEN="")
    assert logged.code == 0, logged
    config = cli.home / ".nt3" / "config.json"
    assert config.stat().st_mode & 0o777 == 0o600
    assert (config.parent.stat().st_mode & 0o777) == 0o700

    init = cli("init", "--yes", "--create-project", "Laravel app", "--json", NT3_API_TOKEN="")
    assert init.code == 0, init
    project_id = init.json()["projectId"]
    assert (cli.cwd / ".nt3.yml").read_text() == (
        f'project_id: "{project_id}"\n'
        'source_language: "en"\n'
        "update_translations: false\n"
        "file_patterns:\n"
        '  - path: "lang/{lang}/validation.php"\n'
        "    format: php-array\n"
    )
    assert {".nt3.local.json", ".nt3/"} <= set((cli.cwd / ".gitignore").read_text().splitlines())

    pushed = cli("push", "--json", NT3_API_TOKEN="")
    assert pushed.code == 0, pushed
    body = pushed.json()
    assert body["success"] is True and body["errors"] == []
    summary = [
        (f["path"], f["language"], f["format"], f["imported"], f["created"], f["skipped"]) for f in body["files"]
    ]
    assert summary == [
        ("lang/en/validation.php", "en", "php-array", 120, 120, 0),
        ("lang/fr/validation.php", "fr", "php-array", 81, 5, 0),  # 5 keys only BookStack has
    ]

    first = cli("pull", "--json", NT3_API_TOKEN="")
    assert first.code == 0, first
    assert first.json() == {
        "success": True,
        "files": [{"language": "fr", "path": "lang/fr/validation.php", "format": "php-array", "status": "unchanged"}],
        "errors": [],
    }
    assert (cli.cwd / "lang/fr/validation.php").read_bytes() == original_fr

    translated = cli("translate", "fr", "--json", program="entri", NT3_API_TOKEN="")
    assert translated.code == 0, translated
    [fr] = translated.json()["languages"]
    assert (fr["language"], fr["status"], fr["total"], fr["translated"], fr["failed"]) == ("fr", "succeeded", 44, 44, 0)

    second = cli("pull", "--json", NT3_API_TOKEN="")
    assert second.code == 0, second
    assert [f["status"] for f in second.json()["files"]] == ["changed"]
    pulled = (cli.cwd / "lang/fr/validation.php").read_bytes()
    assert pulled == export(cli.server, project_id, "fr", "php-array").content
    # BookStack's file as it was, every line (comments and alignment included) in order, new keys added
    assert _in_order(original_fr.splitlines(), pulled.splitlines())
    en, before, after = _values(original_en, "en"), _values(original_fr, "fr"), _values(pulled, "fr")
    assert {k: after[k] for k in before} == before
    assert {k: v for k, v in after.items() if k not in before} == {
        k: f"FR: {v}" for k, v in en.items() if k not in before
    }
    assert (cli.cwd / "lang/en/validation.php").read_bytes() == original_en  # pull writes target languages

    third = cli("pull", "--json", NT3_API_TOKEN="")
    assert third.code == 0, third
    assert third.json()["files"][0]["status"] == "unchanged"
    assert third.json()["files"][0]["notModified"] is True  # the server answered 304 to the ETag


def test_pull_creates_folders_skips_unchanged_and_refuses_local_changes(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr", "de"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push").code == 0
    assert cli("ow", "-k", "accepted", "-v", "Das :attribute muss akzeptiert werden.", "-l", "de").code == 0

    first = cli("pull", "--json")
    assert first.code == 0, first
    statuses = {f["path"]: f["status"] for f in first.json()["files"]}
    assert statuses == {"lang/fr/validation.php": "unchanged", "lang/de/validation.php": "created"}
    de = cli.cwd / "lang/de/validation.php"
    assert de.read_bytes() == export(cli.server, project_id, "de", "php-array").content
    assert _values(de.read_bytes(), "de") == {"accepted": "Das :attribute muss akzeptiert werden."}

    fr = cli.cwd / "lang/fr/validation.php"
    local = fr.read_bytes().replace(b"doit \xc3\xaatre accept\xc3\xa9.", b"doit \xc3\xaatre accept\xc3\xa9e.")
    fr.write_bytes(local)
    assert cli("ow", "-k", "alpha", "-v", ":attribute : lettres seulement.", "-l", "fr").code == 0

    refused = cli("pull", "--json")
    assert refused.code == 1, refused
    files = {f["path"]: f for f in refused.json()["files"]}
    assert "changed locally since the last pull" in files["lang/fr/validation.php"]["error"]
    assert files["lang/de/validation.php"] == {
        "language": "de",
        "path": "lang/de/validation.php",
        "format": "php-array",
        "status": "unchanged",
        "notModified": True,
    }
    assert refused.json()["success"] is False and len(refused.json()["errors"]) == 1
    assert fr.read_bytes() == local

    forced = cli("pull", "--force")
    assert forced.code == 0, forced
    assert fr.read_bytes() == export(cli.server, project_id, "fr", "php-array").content
    assert _values(fr.read_bytes(), "fr")["alpha"] == ":attribute : lettres seulement."
    assert sorted(os.listdir(fr.parent)) == ["validation.php"]  # no temporary file left behind
    assert sorted(os.listdir(cli.cwd / ".nt3")) == ["state.json"]

    one = cli("pull", "-l", "de", "--json")
    assert [f["path"] for f in one.json()["files"]] == ["lang/de/validation.php"]
    unknown = cli("pull", "-l", "ja")
    assert unknown.code == 1 and "'ja' is not a language of project" in unknown.err


def test_android_strings_keep_their_base_values_folder(cli: Cli) -> None:
    res = cli.cwd / "app" / "src" / "main" / "res"
    for folder, name in (("values", "newpipe__default_strings.xml"), ("values-ar", "newpipe__ar_strings.xml")):
        (res / folder).mkdir(parents=True)
        shutil.copyfile(corpus(f"android-xml/{name}"), res / folder / "strings.xml")
    (res / "values-night").mkdir()
    (res / "values-night" / "colors.xml").write_text("<resources/>\n")  # a qualifier, not a language
    original_ar = (res / "values-ar" / "strings.xml").read_bytes()

    init = cli("init", "--yes", "--create-project", "NewPipe", "--json")
    assert init.code == 0, init
    assert init.json()["filePatterns"] == [
        {"path": "app/src/main/res/values-{lang}/strings.xml", "format": "android-xml", "namespace": None}
    ]
    project_id = init.json()["projectId"]

    dry = cli("push", "--dry-run", "--json")
    assert dry.code == 0, dry
    files = dry.json()["files"]
    assert [(f["path"], f["language"]) for f in files] == [
        ("app/src/main/res/values/strings.xml", "en"),
        ("app/src/main/res/values-ar/strings.xml", "ar"),
    ]
    assert translations(cli.server, project_id, "en") == {}  # a dry run writes nothing
    created_by_source = {c["key"] for c in files[0]["changes"] if c["action"] == "created"}
    assert not any(c["action"] == "created" and c["key"] in created_by_source for c in files[1]["changes"])

    pushed = cli("push", "--json")
    assert pushed.code == 0, pushed
    assert [f["created"] for f in pushed.json()["files"]] == [files[0]["created"], files[1]["created"]]
    pulled = cli("pull", "--json")
    assert pulled.code == 0, pulled
    assert [(f["path"], f["status"]) for f in pulled.json()["files"]] == [
        ("app/src/main/res/values-ar/strings.xml", "unchanged")
    ]
    assert (res / "values-ar" / "strings.xml").read_bytes() == original_ar
    assert not (res / "values-en").exists()
