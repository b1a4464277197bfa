"""One hand-written i18next file (ru) exported to every format and re-imported into a fresh project.

Formats that hold everything give back the same key -> value / plural map. The others are
documented per format in EXPECTED: each transformation is asserted exactly, so a codec change
that loses (or newly keeps) something fails here.
"""

from __future__ import annotations

import json

import pytest

from entri.formats import FORMAT_IDS
from tests.files.helpers import do_export, do_import, key_total, values

SOURCE = {
    "nav": {"home": "Главная", "settings": {"title": "Настройки «профиля»"}},
    "greeting": "Привет, {{name}}!",
    "empty": "",
    "items_one": "{{count}} элемент",
    "items_few": "{{count}} элемента",
    "items_many": "{{count}} элементов",
    "items_other": "{{count}} элемента",
    "markup": 'Он сказал "да" & ушёл <b>быстро</b> — 100% ✓',
    "multiline": "Линия 1\nЛиния 2",
}
FORMS = {
    "one": "{{count}} элемент",
    "few": "{{count}} элемента",
    "many": "{{count}} элементов",
    "other": "{{count}} элемента",
}
PLURAL = ("plural", tuple(sorted(FORMS.items())))
IN_DATABASE = {
    "nav.home": "Главная",
    "nav.settings.title": "Настройки «профиля»",
    "greeting": "Привет, {{name}}!",
    "empty": "",
    "items": PLURAL,
    "markup": 'Он сказал "да" & ушёл <b>быстро</b> — 100% ✓',
    "multiline": "Линия 1\nЛиния 2",
}


def _without(*names: str) -> dict[str, object]:
    return {k: v for k, v in IN_DATABASE.items() if k not in names}


def _split(separator: str) -> dict[str, object]:
    return {**_without("items"), **{f"items{separator}{c}": text for c, text in FORMS.items()}}


_GETTEXT = {
    **_without("empty", "items"),
    # msgstr "" means "not translated" in gettext; ru has 3 gettext forms (one/few/many), no `other`
    "items": ("plural", tuple(sorted((c, t) for c, t in FORMS.items() if c != "other"))),
}

EXPECTED: dict[str, dict[str, object]] = {
    "json-nested": IN_DATABASE,
    "json-clean": IN_DATABASE,
    "yaml": IN_DATABASE,
    "android-xml": IN_DATABASE,
    "ios-stringsdict": IN_DATABASE,
    "csv": IN_DATABASE,  # plural rows `items#one`, `items#few`, ...
    # i18next suffixes are written, but json-flat never folds them back (docs/formats/json.md)
    "json-flat": _split("_"),
    # one key per category, read back as separate keys (docs/formats/properties.md)
    "properties": _split("."),
    # .strings has no plurals: the plural entry is skipped (docs/formats/ios-strings.md)
    "ios-strings": _without("items"),
    # a unit holds one target: a plural key is written as its `other` form
    "xliff": {**IN_DATABASE, "items": FORMS["other"]},
    "xliff2": {**IN_DATABASE, "items": FORMS["other"]},
    # the plural becomes an ICU message, which ARB reads back as a plain string (docs/formats/arb.md)
    "arb": {
        **IN_DATABASE,
        "items": "{count, plural, one{{{count}} элемент} few{{{count}} элемента} "
        "many{{{count}} элементов} other{{{count}} элемента}}",
    },
    # Laravel pipe text in CLDR order, read back as literal text (docs/formats/php-array.md)
    "php-array": {**IN_DATABASE, "items": "|".join(FORMS.values())},
    "po": _GETTEXT,
    "mo": _GETTEXT,
    # a template carries no translations at all
    "pot": {},
}


def test_expectations_cover_every_format():
    assert set(EXPECTED) == set(FORMAT_IDS)


@pytest.fixture
def ru_project(tenant, client) -> str:
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["ru"])["_id"])
    content = json.dumps(SOURCE, ensure_ascii=False, indent=2)
    response = do_import(client, tenant.headers, project_id, "ru", "json-nested", content)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["imported"]) == (7, 7)
    assert values(client, tenant.headers, project_id, "ru") == IN_DATABASE
    return project_id


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_export_then_reimport_keeps_what_the_format_can_express(tenant, client, ru_project, format_id):
    exported = do_export(client, tenant.headers, ru_project, "ru", format_id)
    assert exported.status_code == 200, exported.text
    fresh = str(tenant.project(sourceLanguage="en", targetLanguages=["ru"])["_id"])
    reimported = do_import(client, tenant.headers, fresh, "ru", format_id, exported.content)
    assert reimported.status_code == 200, reimported.text
    assert values(client, tenant.headers, fresh, "ru") == EXPECTED[format_id]
    if format_id == "pot":
        assert key_total(client, tenant.headers, fresh) == 7


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_second_round_trip_is_stable(tenant, client, ru_project, format_id):
    """What survived one trip survives the next unchanged (no drift on repeated push/pull)."""
    first = do_export(client, tenant.headers, ru_project, "ru", format_id).content
    fresh = str(tenant.project(sourceLanguage="en", targetLanguages=["ru"])["_id"])
    assert do_import(client, tenant.headers, fresh, "ru", format_id, first).status_code == 200
    second = do_export(client, tenant.headers, fresh, "ru", format_id)
    assert second.status_code == 200
    assert second.content == first
