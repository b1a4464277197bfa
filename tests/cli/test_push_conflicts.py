"""push --dry-run / diff against what push then does; the conflict policy and its exit codes."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import Cli, Server, export, laravel_repo, new_project, translations, write_config


def _set_status(server: Server, project_id: str, key_id: str, status: str) -> None:
    with server.http() as http:
        url = f"/api/projects/{project_id}/keys/{key_id}/translations/fr/status"
        response = http.patch(url, json={"status": status})
        assert response.status_code == 200, response.text


def _edit(path: Any, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _state(server: Server, project_id: str) -> dict[str, Any]:
    """What a push can change, as the API shows it."""
    return {
        language: {
            k: (t["value"], t["status"], t["version"]) for k, t in translations(server, project_id, language).items()
        }
        for language in ("en", "fr")
    }


def _changes(result: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["language"], c["key"]): c for f in result.json()["files"] for c in f["changes"]}


def test_dry_run_writes_nothing_and_matches_what_push_then_does(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push").code == 0
    nothing = cli("diff", "--fail-on-changes")
    assert nothing.code == 0, nothing
    assert "Dry run: 0 change(s), 0 conflict(s)" in nothing.out

    fr_rows = translations(cli.server, project_id, "fr")
    _set_status(cli.server, project_id, fr_rows["accepted"]["keyId"], "approved")
    _set_status(cli.server, project_id, fr_rows["alpha"]["keyId"], "reviewed")
    en, fr = cli.cwd / "lang/en/validation.php", cli.cwd / "lang/fr/validation.php"
    _edit(
        en,
        "    'accepted' => 'The :attribute must be accepted.',\n",
        "    'accepted' => 'The :attribute must be accepted.',\n    'brand_new' => 'Brand new :attribute.',\n",
    )
    _edit(fr, "':attribute doit être accepté.'", "':attribute doit absolument être accepté.'")  # approved
    _edit(fr, "':attribute n\\'est pas une URL valide.'", "':attribute n\\'est pas une adresse valide.'")
    _edit(fr, "    'after'  ", "    'brand_new' => 'Tout neuf :attribute.',\n    'after'  ")
    before = _state(cli.server, project_id)
    etag = export(cli.server, project_id, "fr", "php-array").headers["etag"]

    dry = cli("push", "--dry-run", "--overwrite", "--json")
    assert dry.code == 0, dry
    assert dry.json()["dryRun"] is True and dry.json()["success"] is True
    changes = _changes(dry)
    assert {k: c["action"] for k, c in changes.items()} == {
        ("en", "brand_new"): "created",
        ("fr", "brand_new"): "added",  # the en file, pushed first, creates the key
        ("fr", "accepted"): "conflict",  # approved: kept without --force
        ("fr", "active_url"): "updated",
    }  # alpha is reviewed and unchanged: nothing, not even a status reset
    assert changes[("fr", "accepted")] == {
        "key": "accepted",
        "namespace": "",
        "action": "conflict",
        "old": ":attribute doit être accepté.",
        "new": ":attribute doit absolument être accepté.",
        "oldStatus": "approved",
        "newStatus": None,
    }
    assert changes[("fr", "active_url")]["old"] == ":attribute n'est pas une URL valide."
    assert _state(cli.server, project_id) == before
    assert export(cli.server, project_id, "fr", "php-array").headers["etag"] == etag

    human = cli("diff", "--overwrite")
    assert human.code == 0, human
    assert '+ brand_new: "Brand new :attribute."' in human.out
    assert (
        '~ active_url: ":attribute n\'est pas une URL valide." -> ":attribute n\'est pas une adresse valide."'
        in human.out
    )
    assert "! accepted: approved" in human.out
    assert cli("diff", "--overwrite", "--fail-on-changes").code == 2
    assert cli("push", "--dry-run", "--overwrite", "--fail-on-changes").code == 2
    assert cli("diff", "--overwrite", "--fail-on-conflict").code == 2
    assert cli("diff", "--fail-on-conflict").code == 0  # without --overwrite nothing reviewed is touched

    gated = cli("push", "--overwrite", "--fail-on-conflict", "--json")
    assert gated.code == 2, gated
    assert gated.json()["success"] is False and gated.json()["conflicts"] == 1
    assert _state(cli.server, project_id) == before  # nothing pushed

    pushed = cli("push", "--overwrite", "--json")
    assert pushed.code == 0, pushed
    assert "1 reviewed or approved value(s) kept" in pushed.err
    assert [f["conflicts"] for f in pushed.json()["files"]] == [0, 1]
    after = _state(cli.server, project_id)
    changed = {(lang, key) for lang in after for key in after[lang] if after[lang][key] != before[lang].get(key)}
    assert changed == {k for k, c in changes.items() if c["action"] in ("created", "added", "updated")}
    for (language, key), change in changes.items():
        value = after[language][key][0]
        assert value == (change["old"] if change["action"] == "conflict" else change["new"]), key
    assert after["fr"]["accepted"][1] == "approved" and after["fr"]["alpha"][1] == "reviewed"

    left = cli("diff", "--overwrite", "--fail-on-changes", "--json")
    assert left.code == 0, left  # a conflict is not a change
    assert [c["action"] for c in _changes(left).values()] == ["conflict"]
    forced = cli("push", "--overwrite", "--force")
    assert forced.code == 0, forced
    assert translations(cli.server, project_id, "fr")["accepted"]["value"] == ":attribute doit absolument être accepté."
    assert cli("diff", "--overwrite", "--fail-on-changes", "--fail-on-conflict").code == 0


def test_without_overwrite_differing_values_are_reported_as_skipped(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push", "-l", "fr").code == 0  # one language only
    assert set(translations(cli.server, project_id, "en")) == set(translations(cli.server, project_id, "fr"))
    assert all(t["version"] == 0 for t in translations(cli.server, project_id, "en").values())
    _edit(cli.cwd / "lang/fr/validation.php", "':attribute doit être accepté.'", "':attribute doit être acceptée.'")
    dry = cli("diff", "-l", "fr", "--json")
    assert dry.code == 0, dry
    assert [(c["key"], c["action"]) for c in _changes(dry).values()] == [("accepted", "skipped")]
    out = cli("diff", "-l", "fr")
    assert "(not pushed without --overwrite)" in out.out
    assert cli("push", "-l", "fr").code == 0
    assert translations(cli.server, project_id, "fr")["accepted"]["value"] == ":attribute doit être accepté."


def test_push_usage_errors_exit_1_since_2_means_changes(cli: Cli) -> None:
    laravel_repo(cli.cwd)
    write_config(cli.cwd, new_project(cli.server, ["fr"]), [("lang/{lang}/validation.php", "php-array")])
    for args in (["push", "--fail-on-changes"], ["push", "--no-such-flag"], ["diff", "--nope"]):
        result = cli(*args)
        assert result.code == 1, (args, result)
        assert len(result.err.splitlines()) == 1 and result.err.startswith("error: "), result
    assert cli("status", "--no-such-flag").code == 2  # elsewhere Typer's usage code stands
