"""login / logout / status / overwrite / init, the errors users meet, and the --json shapes of
entri-api.md §6.4 and decisions 20."""

from __future__ import annotations

import json
import shutil

from tests.cli.conftest import Cli, corpus, laravel_repo, new_project, translations, write_config


def _one_error_line(result) -> str:
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result
    assert "Traceback" not in result.err
    return lines[0]


def test_login_logout_and_where_the_token_comes_from(cli: Cli) -> None:
    token = cli.server.token
    with cli.server.http() as http:
        made = http.post("/api/organizations/current/tokens", json={"name": "second"})
        assert made.status_code == 201, made.text
        second = made.json()["token"]
    no_env = {"NT3_API_TOKEN": "", "NT3_API_URL": ""}

    bad = cli("login", "-t", "not-a-token", **no_env)
    assert bad.code == 1
    assert "tokens start with 'entri_'" in _one_error_line(bad)
    refused = cli("login", "-t", "entri_wrong", "-u", cli.server.url, **no_env)
    assert refused.code == 1 and "401" in _one_error_line(refused)
    assert not (cli.home / ".nt3" / "config.json").exists()

    assert cli("login", stdin="\n", **no_env).code == 1  # nothing piped, no terminal to ask on
    saved = cli("login", "-u", cli.server.url, stdin=token + "\n", **no_env)  # piped, as CI does
    assert saved.code == 0, saved
    config = cli.home / ".nt3" / "config.json"
    assert json.loads(config.read_text()) == {"token": token, "api_url": cli.server.url}
    assert config.stat().st_mode & 0o777 == 0o600

    status = cli("status", "--json", **no_env)  # the URL comes from the saved config too
    assert status.code == 0, status
    body = status.json()
    assert set(body) == {"authenticated", "tokenSource", "apiUrl", "project", "languages"}
    assert (body["authenticated"], body["tokenSource"], body["apiUrl"], body["project"], body["languages"]) == (
        True,
        "global",
        cli.server.url,
        None,
        [],
    )

    local = cli("login", "--local", "-t", second, **no_env)
    assert local.code == 0, local
    assert "Remember to git-ignore .nt3.local.json" in local.out
    assert json.loads((cli.cwd / ".nt3.local.json").read_text()) == {"token": second}
    assert (cli.cwd / ".nt3.local.json").stat().st_mode & 0o777 == 0o600
    assert cli("status", "--json", **no_env).json()["tokenSource"] == "local"
    assert cli("status", "--json", NT3_API_URL="", NT3_API_TOKEN=token).json()["tokenSource"] == "env"
    via_entri = cli("status", "--json", NT3_API_URL="", NT3_API_TOKEN="", ENTRI_API_TOKEN=token, program="entri")
    assert via_entri.json()["tokenSource"] == "env" and via_entri.json()["authenticated"] is True

    assert cli("logout", "--local", **no_env).code == 0
    assert json.loads((cli.cwd / ".nt3.local.json").read_text()) == {}
    assert cli("status", "--json", **no_env).json()["tokenSource"] == "global"
    out = cli("signout", **no_env)
    assert out.code == 0 and "it stays valid on the server" in out.out
    assert json.loads(config.read_text()) == {"api_url": cli.server.url}  # the URL stays
    again = cli("logout", **no_env)
    assert again.code == 0 and "Not logged in" in again.out and again.err == ""
    gone = cli("status", "--json", **no_env).json()
    assert (gone["authenticated"], gone["tokenSource"]) == (False, None)
    with cli.server.http(second) as http:  # logout does not revoke
        assert http.get("/api/auth/me").status_code == 200


def test_errors_are_one_line_with_exit_1(cli: Cli) -> None:
    missing = cli("push")
    assert missing.code == 1 and missing.out == ""
    assert f"no .nt3.yml in {cli.cwd}: run `nt3 init` here first" in _one_error_line(missing)
    for command in (
        ["pull"],
        ["translate"],
        ["status", "--min-completion", "90"],
        ["ow", "-k", "a", "-v", "b", "-l", "fr"],
    ):
        result = cli(*command)
        assert result.code == 1 and "no .nt3.yml" in _one_error_line(result), command

    laravel_repo(cli.cwd)
    write_config(cli.cwd, new_project(cli.server, ["fr"]), [("lang/{lang}/validation.php", "php-array")])
    bad = cli("push", NT3_API_TOKEN="entri_not_a_real_token")
    assert bad.code == 1 and bad.out == ""
    assert "refused the token from NT3_API_TOKEN (401" in _one_error_line(bad)
    as_json = cli("pull", "--json", NT3_API_TOKEN="entri_not_a_real_token")
    assert as_json.code == 1
    assert json.loads(as_json.out)["success"] is False
    _one_error_line(as_json)
    nobody = cli("pull", NT3_API_TOKEN="")
    assert nobody.code == 1 and "not logged in" in _one_error_line(nobody)
    down = cli("pull", NT3_API_URL="http://127.0.0.1:9")
    assert down.code == 1 and "cannot reach the Entri server at http://127.0.0.1:9" in _one_error_line(down)
    (cli.cwd / ".nt3.yml").write_text('project_id: "p"\nsource_language: no\nfile_patterns: []\n')
    quoted = cli("push")
    assert quoted.code == 1 and "quote it" in _one_error_line(quoted)  # YAML 1.1 read Norwegian as false


def test_status_reports_completion_and_gates_on_it(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr", "de"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push").code == 0
    fr = translations(cli.server, project_id, "fr")
    with cli.server.http() as http:
        url = f"/api/projects/{project_id}/keys/{fr['accepted']['keyId']}/translations/fr/status"
        assert http.patch(url, json={"status": "approved"}).status_code == 200

    status = cli("status", "--json")
    assert status.code == 0, status
    body = status.json()
    assert body["project"]["id"] == project_id and body["project"]["sourceLanguage"] == "en"
    assert body["languages"] == [
        {"language": "fr", "totalKeys": 125, "translated": 81, "reviewed": 1, "approved": 1, "completionPercent": 64},
        {"language": "de", "totalKeys": 125, "translated": 0, "reviewed": 0, "approved": 0, "completionPercent": 0},
    ]
    gate = cli("status", "--min-completion", "95")
    assert gate.code == 3, gate
    assert _one_error_line(gate) == "error: below 95% completion: fr 64%, de 0%"
    assert cli("status", "--min-completion", "64", "--language", "fr").code == 0
    assert cli("status", "--min-completion", "65", "-l", "fr").code == 3
    unknown = cli("status", "--min-completion", "10", "-l", "ja")
    assert unknown.code == 1 and "not a language of the project: ja" in _one_error_line(unknown)
    human = cli("status")
    assert "fr          64%  81/125 translated, 1 reviewed, 1 approved" in human.out


def test_overwrite_inline_file_and_stdin(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push").code == 0

    inline = cli("ow", "-k", "accepted", "-v", "Accepté", "-l", "fr", "--json")
    assert inline.code == 0, inline
    assert inline.json() == {"overwritten": 1, "notFound": []}
    items = [{"key": "alpha", "language": "fr", "value": "Lettres"}, {"key": "nope", "language": "fr", "value": "x"}]
    (cli.cwd / "items.json").write_text(json.dumps(items))
    from_file = cli("overwrite", "-f", "items.json", "--json")
    assert from_file.code == 1, from_file  # one item not found: written the rest, failed the step
    assert from_file.json() == {
        "overwritten": 1,
        "notFound": [{"key": "nope", "namespace": None, "language": "fr", "reason": "key"}],
    }
    piped = cli("ow", "--json", stdin=json.dumps([{"key": "array", "language": "fr", "value": "Tableau"}]))
    assert piped.code == 0 and piped.json()["overwritten"] == 1
    values = {k: t["value"] for k, t in translations(cli.server, project_id, "fr").items()}
    assert (values["accepted"], values["alpha"], values["array"]) == ("Accepté", "Lettres", "Tableau")
    half = cli("ow", "-k", "accepted", "-l", "fr")
    assert half.code == 2 and "--key, --value and --language go together" in _one_error_line(half)


def test_init_detects_locale_files_of_many_kinds(cli: Cli) -> None:
    files = {
        "src/locales/en.json": "json-nested/mastodon-ios__fr_app.json",
        "src/locales/fr.json": "json-nested/mastodon-ios__fr_app.json",
        "lang/en/validation.php": "php-array/laravel-skeleton__en_validation.php",
        "lang/fr/validation.php": "php-array/bookstack__fr_validation.php",
        "lang/fr/entities.php": "php-array/bookstack__fr_entities.php",
        "lib/l10n/app_en.arb": "arb/aves__app_en.arb",
        "lib/l10n/app_ru.arb": "arb/aves__app_ru.arb",
        "ios/App/fr.lproj/Localizable.strings": "ios-strings/iina__fr_Localizable.strings",
        "ios/App/ru.lproj/Localizable.strings": "ios-strings/iina__ru_Localizable.strings",
        "config/translations/validators.fr.xlf": "xliff/symfony-validator__validators.fr.xlf",
        "po/ru.po": "po/gnome-calculator__ru.po",
        "res/values/strings.xml": "android-xml/newpipe__default_strings.xml",
        "res/values-ar/strings.xml": "android-xml/newpipe__ar_strings.xml",
    }
    for target, source in files.items():
        (cli.cwd / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus(source), cli.cwd / target)
    (cli.cwd / "package.json").write_text('{"name": "app"}')
    (cli.cwd / "node_modules/x/fr.json").parent.mkdir(parents=True)
    (cli.cwd / "node_modules/x/fr.json").write_text("{}")

    init = cli("init", "--yes", "--project-id", "proj_offline", "--json", NT3_API_TOKEN="")  # no server needed
    assert init.code == 0, init
    assert init.json()["sourceLanguage"] == "en"
    patterns = {p["path"]: p["format"] for p in init.json()["filePatterns"]}
    assert patterns == {
        "src/locales/{lang}.json": "json-nested",
        "lang/{lang}/{namespace}.php": "php-array",
        "lib/l10n/app_{lang}.arb": "arb",
        "ios/App/{lang}.lproj/Localizable.strings": "ios-strings",
        "config/translations/validators.{lang}.xlf": "xliff",
        "po/{lang}.po": "po",
        "res/values-{lang}/strings.xml": "android-xml",
    }
    again = cli("init", "--yes", "--project-id", "x", NT3_API_TOKEN="")
    assert again.code == 1 and "already exists" in _one_error_line(again)
    chosen = cli(
        "init",
        "--yes",
        "--force",
        "--project-id",
        "p1",
        "--source-language",
        "fr",
        "-p",
        "src/locales/{lang}.json=json-flat",
        "-p",
        "lang/{lang}/validation.php=php-array@validation",
        NT3_API_TOKEN="",
    )
    assert chosen.code == 0, chosen
    assert (cli.cwd / ".nt3.yml").read_text() == (
        'project_id: "p1"\n'
        'source_language: "fr"\n'
        "update_translations: false\n"
        "file_patterns:\n"
        '  - path: "src/locales/{lang}.json"\n'
        "    format: json-flat\n"
        '  - path: "lang/{lang}/validation.php"\n'
        "    format: php-array\n"
        '    namespace: "validation"\n'
    )


def test_both_entry_points_are_the_same_app(cli: Cli) -> None:
    nt3, entri = cli("--help"), cli("--help", program="entri")
    assert nt3.code == entri.code == 0
    for command in (
        "login",
        "logout",
        "init",
        "push",
        "diff",
        "pull",
        "translate",
        "overwrite",
        "status",
        "serve",
        "worker",
        "migrate",
        "admin",
    ):
        assert command in nt3.out and command in entri.out
    assert "Exit codes: 0 ok; 1 error" in " ".join(nt3.out.split())
    for alias, flag in (
        ("up", "--fail-on-conflict"),
        ("down", "--force"),
        ("tr", "--provider"),
        ("ow", "--file"),
        ("auth", "--local"),
        ("signout", "--local"),
    ):
        shown = cli(alias, "--help")
        assert shown.code == 0 and flag in shown.out, alias


def test_init_asks_when_not_told(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    asked = cli("init", stdin="y\nValidation messages\n")
    assert asked.code == 0, asked
    assert "lang/{lang}/validation.php  [php-array]  en, fr (2 file(s))" in asked.out
    project_id = asked.out.split("Created project Validation messages (")[1].split(")")[0]
    with cli.server.http() as http:
        project = http.get(f"/api/projects/{project_id}").json()
    assert (project["sourceLanguage"], project["targetLanguages"]) == ("en", ["fr"])
    assert f'project_id: "{project_id}"' in (cli.cwd / ".nt3.yml").read_text()
