"""The `glossary` adherence check, pure: with a real PreparedGlossary and with a stand-in."""

from __future__ import annotations

from entri.checks.base import Context, Severity, Subject
from entri.checks.registry import all_checks
from entri.checks.runner import Checker
from entri.glossary.prepared import PreparedGlossary, TermFacts
from tests.checks.helpers import messages


def _term(term: str, **fields: object) -> TermFacts:
    values: dict[str, object] = {
        "id": f"term_{term}",
        "glossary_id": "gloss_1",
        "term": term,
        "source_language": "en",
        "case_sensitive": False,
        "do_not_translate": False,
        "forbidden": False,
        "translations": {},
        **fields,
    }
    return TermFacts(**values)  # type: ignore[arg-type]


GLOSSARY = PreparedGlossary(
    [
        _term("file", translations={"fr": "fichier", "de": "Datei"}),
        _term("Entri", case_sensitive=True, do_not_translate=True),
        _term("blacklist", forbidden=True, translations={"fr": "liste noire", "de": "Blacklist"}),
    ]
)
CONTEXT = Context(extra={"glossary": GLOSSARY})


def check(value: str, source: str, language: str = "fr", **fields: object) -> list[str]:
    return messages("glossary", value, source, language=language, context=CONTEXT, **fields)


def test_registered_as_a_warning_needing_a_source() -> None:
    registered = all_checks()["glossary"]
    assert (registered.severity, registered.needs_source, registered.triggers) == (Severity.WARNING, True, frozenset())


def test_approved_translation_present_in_any_inflection_passes() -> None:
    assert check("Ouvrez les fichiers", "Open the files") == []
    assert check("Öffnen Sie die Dateien", "Open the file", language="de") == []


def test_missing_approved_translation_names_term_and_expected_text() -> None:
    assert check("Ouvrez le document", "Open the file") == [
        'term "file": the approved translation "fichier" is missing'
    ]


def test_regional_target_uses_the_base_languages_translation() -> None:
    assert check("Ouvrez le document", "Open the file", language="fr-CA") == [
        'term "file": the approved translation "fichier" is missing'
    ]


def test_do_not_translate_term_must_stay_verbatim() -> None:
    assert check("Bienvenue dans Entri", "Welcome to Entri") == []
    assert check("Bienvenue dans entri", "Welcome to Entri") == [
        'do-not-translate term "Entri" must stay as it is: "Entri" is missing'
    ]


def test_forbidden_term_in_the_translation() -> None:
    assert check("Ajoutez à la liste noire", "Add to the blocklist") == [
        'forbidden term "liste noire" is used (glossary term "blacklist")'
    ]
    assert check("Zur Blacklist hinzufügen", "Add to the list", language="de") == [
        'forbidden term "Blacklist" is used (glossary term "blacklist")'
    ]


def test_no_glossary_or_do_not_translate_key_passes() -> None:
    assert messages("glossary", "Ouvrez le document", "Open the file", language="fr") == []
    assert check("Ouvrez le document", "Open the file", do_not_translate=True) == []


def test_plural_forms_are_named() -> None:
    subject = Subject(
        "fr",
        "{n} documents",
        plurals={"one": "{n} fichier", "other": "{n} documents"},
        source_value="{n} files",
        source_plurals={"one": "{n} file", "other": "{n} files"},
    )
    found = list(all_checks()["glossary"].function(subject, CONTEXT))
    assert found == ['form \'other\': term "file": the approved translation "fichier" is missing']


class Rules:
    """Any object with the protocol's shape will do: the checks package knows no glossary."""

    def problems(self, source: str, target: str, source_language: str, target_language: str) -> list[str]:
        return [f"{source_language}->{target_language}: {source} / {target}"]


def test_the_runner_reads_the_context_and_applies_severity_settings() -> None:
    context = Context(extra={"glossary": Rules()})
    subject = Subject("de", "Hallo", source_language="en", source_value="Hello")
    failures = [f for f in Checker(None, context).check(subject) if f.id == "glossary"]
    assert [(f.severity, f.message) for f in failures] == [(Severity.WARNING, "en->de: Hello / Hallo")]
    raised = Checker({"glossary": "error"}, context).check(subject)
    assert [f.severity for f in raised if f.id == "glossary"] == [Severity.ERROR]
    assert [f for f in Checker({"glossary": "off"}, context).check(subject) if f.id == "glossary"] == []
    no_source = Subject("de", "Hallo", source_language="en")
    assert [f for f in Checker(None, context).check(no_source) if f.id == "glossary"] == []
