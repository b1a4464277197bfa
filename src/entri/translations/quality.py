"""The quality-check hook of the write path: what the checks need, read set-based, and the
policy (which checks, which severity, which placeholder dialect) resolved once per write.

`service.write` calls `policy_for` once, `inputs` once per language written, then
`Policy.failures` per changed row. Settings (docs/checks.md): the organization's
`settings.checks.severities`, overridden per check id by the project's; the project's
`settings.checks.dialect` (else the dialect inferred from the key's origin format) and
`settings.checks.identical`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from entri.checks.base import OFF, Context, Failure, Severity, Subject
from entri.checks.dialects import infer_dialect, spans
from entri.checks.runner import Checker, level
from entri.glossary import service as glossary
from entri.keys.models import Key, KeyTag
from entri.keys.service import DO_NOT_TRANSLATE
from entri.organizations import service as organizations
from entri.translations.models import Translation

_IN_CHUNK = 900
_WHOLE_PROJECT_AT = 20_000
"""Past this many keys one scan of the project's keys beats thousands of `IN (…)` lookups."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the checks of one key need besides the translation itself."""

    max_length: int | None
    do_not_translate: bool
    origin_format: str | None
    source_value: str | None
    source_plurals: dict[str, str] | None


def check_settings(settings: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The `checks` object of a settings mapping, or an empty one."""
    found = (settings or {}).get("checks")
    return found if isinstance(found, Mapping) else {}


@dataclass(slots=True)
class Policy:
    checker: Checker
    source_language: str
    dialect: str | None
    """The project's dialect override, or None to infer it per key."""

    def failures(
        self,
        *,
        language: str,
        value: str | None,
        plurals: Mapping[str, str] | None,
        facts: Inputs | None,
        source: tuple[str | None, Mapping[str, str] | None] | None = None,
    ) -> list[Failure]:
        """The failures of one translation. `source` (value, forms) overrides the source text in
        `facts`: the one the same write sets."""
        facts = facts or _NO_INPUTS
        source_value, source_plurals = source if source is not None else (facts.source_value, facts.source_plurals)
        subject = Subject(
            language=language,
            value=value,
            plurals=plurals,
            source_language=self.source_language,
            source_value=source_value,
            source_plurals=source_plurals,
            dialect=self.dialect or infer_dialect(facts.origin_format),
            max_length=facts.max_length,
            do_not_translate=facts.do_not_translate,
            is_source=language == self.source_language,
        )
        return self.checker.check(subject)


_NO_INPUTS = Inputs(None, False, None, None, None)


def policy_for(session: Session, *, project: Any) -> Policy:
    """The checks as configured for `project` (organization severities, project overrides),
    with the organization's prepared glossary for the `glossary` check (cached per glossary
    revision: one primary-key read per write, docs/glossary.md)."""
    org = organizations.settings_of(session, organization_id=project.organization_id)
    ours = check_settings(getattr(project, "settings", None))
    severities = dict(check_settings(org).get("severities") or {})
    severities.update(ours.get("severities") or {})
    identical = frozenset(str(t) for t in ours.get("identical") or ())
    dialect = ours.get("dialect")
    prepared = None
    if severities.get("glossary") != OFF:
        prepared = glossary.prepared_for(session, organization_id=project.organization_id)
    return Policy(
        checker=Checker(
            severities,
            Context(
                identical=identical,
                extra={"glossary": prepared},
            ),
        ),
        source_language=project.source_language,
        dialect=dialect if isinstance(dialect, str) and dialect != "auto" else None,
    )


def inputs(session: Session, *, project_id: str, source_language: str, key_ids: Sequence[str]) -> dict[str, Inputs]:
    """Per key: its length limit, do-not-translate tag, origin format and source text.

    A read across the keys slice, like the listing's (docs/architecture.md, "Cross-slice
    reads"): one join instead of a second pass over 100k keys.
    """
    if not key_ids:
        return {}
    source = Translation.__table__.alias("src")
    dnt = exists().where(and_(KeyTag.key_id == Key.id, KeyTag.tag == DO_NOT_TRANSLATE))
    query = select(
        Key.id, Key.max_length, dnt, Key.origin_format, source.c.value, source.c.plural_forms, source.c.version
    ).outerjoin(source, and_(source.c.key_id == Key.id, source.c.language == source_language))
    conn = session.connection()
    found: dict[str, Inputs] = {}
    if len(key_ids) >= _WHOLE_PROJECT_AT:
        wanted = set(key_ids)
        for batch in conn.execute(query.where(Key.project_id == project_id)).partitions(5000):
            for row in batch:
                if row[0] in wanted:
                    found[row[0]] = _inputs(row)
        return found
    for start in range(0, len(key_ids), _IN_CHUNK):
        chunk = key_ids[start : start + _IN_CHUNK]
        for row in conn.execute(query.where(Key.id.in_(chunk))).all():
            found[row[0]] = _inputs(row)
    return found


def _inputs(row: Any) -> Inputs:
    _id, max_length, dnt, origin, value, plurals, version = row
    if not version:  # a row never written reads as no source text
        value = plurals = None
    return Inputs(max_length, bool(dnt), origin, value, plurals)


def fresh_inputs(key: object) -> Inputs:
    """The inputs of a key created in this transaction, from the `KeyRef` that created it: no
    query (it has no source text yet, unless the same write sets one)."""
    return Inputs(
        getattr(key, "max_length", None),
        bool(getattr(key, "do_not_translate", False)),
        getattr(key, "origin_format", None),
        None,
        None,
    )


def stored_checks(failures: Sequence[Failure]) -> list[dict[str, str]] | None:
    """Failures as stored in `translations.checks` (None when clean: most rows)."""
    return [f.as_json() for f in failures] if failures else None


def level_of(failures: Sequence[Failure]) -> int:
    """The stored `check_level` of `failures` (0 clean, 1 warning, 2 error)."""
    return int(level(failures)) if failures else 0


def blocks(failures: Sequence[Failure]) -> bool:
    """Do `failures` keep a translation from being reviewed or approved?"""
    return any(f.severity is Severity.ERROR for f in failures)


def refusal(key_id: str, language: str, status: str, failures: Sequence[Failure]) -> str:
    """The 409 message for a review status refused by error-level checks."""
    errors = "; ".join(f"{f.id}: {f.message}" for f in failures if f.severity is Severity.ERROR)
    return (
        f"The translation of '{key_id}' in '{language}' cannot be '{status}' while error-level checks fail "
        f"({errors}); fix it, or an admin can pass force: true"
    )


def draft_failures(
    session: Session,
    *,
    project: Any,
    key_id: str,
    language: str,
    value: str | None,
    plurals: Mapping[str, str] | None,
) -> list[Failure]:
    """The failures a draft would store if it were saved now, by the same policy and inputs
    as the write path: the web editor shows them as the translator types, before saving."""
    policy = policy_for(session, project=project)
    facts = inputs(session, project_id=project.id, source_language=project.source_language, key_ids=[key_id])
    return policy.failures(language=language, value=value, plurals=plurals, facts=facts.get(key_id))


def placeholder_spans(project: Any, origin_format: str | None, text: str) -> list[tuple[int, int]]:
    """Where the placeholders of a source text are, in the dialect its checks use (the
    project's override, else inferred from the key's origin format): for highlighting."""
    configured = check_settings(getattr(project, "settings", None)).get("dialect")
    dialect = configured if isinstance(configured, str) and configured != "auto" else infer_dialect(origin_format)
    return spans(dialect, text)
