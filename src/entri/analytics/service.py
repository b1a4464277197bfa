"""Analytics (entri-api.md §4.11, docs/analytics.md): progress, progress over time,
contributors, the organization overview and AI quality.

Figures come from the translations slice (`translations.stats`: the journals its write path
keeps; `translations.ai_stats`: the history walk) and the keys slice (key counts per
namespace); this module reads no table itself. Every reader of the project may see them.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.core.errors import BadRequest
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Status
from entri.keys import namespaces as keys
from entri.organizations import service as orgs
from entri.projects import service as projects
from entri.projects.models import Project
from entri.translations import ai_stats, stats

MAX_DAYS = 366
_DONE = (Status.TRANSLATED.value, Status.REVIEWED.value, Status.APPROVED.value)


def percent(part: int, whole: int) -> int:
    """floor(100 * part / whole), an integer; 0 when there is nothing to count."""
    return 100 * part // whole if whole > 0 else 0


def languages_of(project: Project, requested: Sequence[str] | None) -> list[str]:
    """The languages asked for (each once, in the order given), else the target languages.
    Any that is not a language of the project is a 400."""
    if not requested:
        return list(project.target_languages)
    unknown = [lang for lang in requested if lang not in project.languages]
    if unknown:
        raise BadRequest([f"languages: '{lang}' is not a language of this project" for lang in unknown])
    return list(dict.fromkeys(requested))


@dataclass
class _Tally:
    """Per status: translations, words, characters."""

    by_status: dict[str, list[int]]

    @classmethod
    def of(cls, buckets: Iterable[stats.Bucket]) -> _Tally:
        by_status: dict[str, list[int]] = {}
        for b in buckets:
            row = by_status.setdefault(b.status, [0, 0, 0])
            row[0] += b.translations
            row[1] += b.words
            row[2] += b.characters
        return cls(by_status)

    def n(self, status: str) -> int:
        return self.by_status.get(status, [0, 0, 0])[0]

    def done(self, column: int) -> int:
        return sum(self.by_status.get(s, [0, 0, 0])[column] for s in _DONE)


def _language(language: str, total_keys: int, tally: _Tally, *, is_source: bool) -> dict[str, Any]:
    tr, rv, ap = (tally.n(s) for s in _DONE)
    translated, reviewed = tr + rv + ap, rv + ap
    untranslated = max(total_keys - translated, 0)
    return {
        "language": language,
        "isSource": is_source,
        "totalKeys": total_keys,
        "translated": translated,
        "reviewed": reviewed,
        "approved": ap,
        "untranslated": untranslated,
        "completionPercent": percent(translated, total_keys),
        "reviewedPercent": percent(reviewed, total_keys),
        "approvedPercent": percent(ap, total_keys),
        "statuses": {"untranslated": untranslated, "translated": tr, "reviewed": rv, "approved": ap},
        "words": tally.done(1),
        "characters": tally.done(2),
    }


def _section(
    project: Project, languages: Sequence[str], total_keys: int, buckets: Sequence[stats.Bucket]
) -> tuple[list[dict[str, Any]], _Tally]:
    by_language: dict[str, list[stats.Bucket]] = {}
    for b in buckets:
        by_language.setdefault(b.language, []).append(b)
    items = [
        _language(lang, total_keys, _Tally.of(by_language.get(lang, ())), is_source=lang == project.source_language)
        for lang in languages
    ]
    return items, _Tally.of(by_language.get(project.source_language, ()))


def progress(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    languages: Sequence[str] | None = None,
    by_namespace: bool = False,
) -> dict[str, Any]:
    """Coverage per language (and per namespace with `by_namespace`), computed from the
    progress counters: a few hundred rows whatever the project's size."""
    principal.require(Permission.VIEW)
    wanted = languages_of(project, languages)
    buckets = stats.buckets(session, project_ids=[project.id])
    items, source = _section(project, wanted, project.key_count, buckets)
    out: dict[str, Any] = {
        "totalKeys": project.key_count,
        "sourceLanguage": project.source_language,
        "sourceWords": source.done(1),
        "sourceCharacters": source.done(2),
        "languages": items,
        "namespaces": None,
    }
    if by_namespace:
        key_counts = keys.namespace_counts(session, project=project)
        by_ns: dict[str, list[stats.Bucket]] = {}
        for b in buckets:
            by_ns.setdefault(b.namespace, []).append(b)
        sections = []
        for namespace in sorted(set(key_counts) | set(by_ns)):
            total = key_counts.get(namespace, 0)
            ns_items, ns_source = _section(project, wanted, total, by_ns.get(namespace, []))
            sections.append(
                {
                    "namespace": namespace,
                    "totalKeys": total,
                    "sourceWords": ns_source.done(1),
                    "sourceCharacters": ns_source.done(2),
                    "languages": ns_items,
                }
            )
        out["namespaces"] = sections
    return out


def progress_over_time(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    days: int = 30,
    languages: Sequence[str] | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """One item per UTC day, the last `days` days up to today, days without work as zeros."""
    principal.require(Permission.VIEW)
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest([f"days must be between 1 and {MAX_DAYS}"])
    today = utcnow().date()
    since = today - timedelta(days=days - 1)
    work = stats.work_by_day(
        session, project_id=project.id, since=since, languages=languages_of(project, languages), source=source
    )
    series = []
    for offset in range(days):
        day = since + timedelta(days=offset)
        w = work.get(day)
        series.append(
            {
                "date": day.isoformat(),
                "translations": w.translations if w else 0,
                "reviews": w.reviews if w else 0,
                "approvals": w.approvals if w else 0,
                "words": w.words if w else 0,
            }
        )
    return series


def contributors(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    days: int | None = None,
    languages: Sequence[str] | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """Work per person: most values written first. A person is named as they are named now;
    work done with a token nobody owns is listed under the token's name."""
    principal.require(Permission.VIEW)
    if days is not None and not 1 <= days <= 10 * MAX_DAYS:
        raise BadRequest([f"days must be between 1 and {10 * MAX_DAYS}"])
    since = utcnow().date() - timedelta(days=days - 1) if days is not None else None
    found = stats.contributions(
        session, project_id=project.id, languages=languages_of(project, languages), since=since, source=source
    )
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    latest_name: dict[tuple[str, str], tuple[date, str]] = {}
    for c in sorted(found, key=lambda c: c.last_day):
        ident = ("user", c.user_id) if c.user_id is not None else ("name", c.user_name)
        entry = merged.setdefault(
            ident,
            {
                "userId": c.user_id,
                "userName": c.user_name,
                "translations": 0,
                "reviews": 0,
                "approvals": 0,
                "words": 0,
                "characters": 0,
                "lastActiveDate": c.last_day,
            },
        )
        for field in ("translations", "reviews", "approvals", "words", "characters"):
            entry[field] += getattr(c.work, field)
        entry["lastActiveDate"] = max(entry["lastActiveDate"], c.last_day)
        latest_name[ident] = (c.last_day, c.user_name)
    for ident, entry in merged.items():
        user = orgs.get_user(session, user_id=entry["userId"]) if entry["userId"] else None
        entry["userName"] = user.name if user is not None else latest_name[ident][1]
        entry["lastActiveDate"] = entry["lastActiveDate"].isoformat()
    return sorted(merged.values(), key=lambda e: (-e["translations"], -e["reviews"], -e["approvals"], e["userName"]))


def overview(session: Session, *, principal: Principal, org_id: str, include_archived: bool = False) -> dict[str, Any]:
    """The organization's projects at a glance: completion over every (project, target
    language) pair, per language across projects, and per project."""
    organization_id = orgs.resolve_org_id(principal, org_id)
    principal.require(Permission.VIEW)
    found = [
        p
        for p in projects.projects_of(session, organization_id=organization_id)
        if include_archived or p.archived_at is None
    ]
    found.sort(key=lambda p: (p.created_at, p.id))
    by_project: dict[str, list[stats.Bucket]] = {}
    for b in stats.buckets(session, project_ids=[p.id for p in found]) if found else []:
        by_project.setdefault(b.project_id, []).append(b)
    languages: dict[str, dict[str, Any]] = {}
    project_items = []
    totals = {"keys": 0, "pairs": 0, "translated": 0, "reviewed": 0, "approved": 0, "sourceWords": 0}
    for p in found:
        items, source = _section(p, p.target_languages, p.key_count, by_project.get(p.id, []))
        pairs = p.key_count * len(items)
        translated = sum(i["translated"] for i in items)
        totals["keys"] += p.key_count
        totals["pairs"] += pairs
        totals["translated"] += translated
        totals["reviewed"] += sum(i["reviewed"] for i in items)
        totals["approved"] += sum(i["approved"] for i in items)
        totals["sourceWords"] += source.done(1)
        for item in items:
            lang = languages.setdefault(
                item["language"],
                {
                    "language": item["language"],
                    "projects": 0,
                    "totalKeys": 0,
                    "translated": 0,
                    "reviewed": 0,
                    "approved": 0,
                    "completionPercent": 0,
                },
            )
            lang["projects"] += 1
            for field in ("totalKeys", "translated", "reviewed", "approved"):
                lang[field] += item[field]
        project_items.append(
            {
                "projectId": p.id,
                "name": p.name,
                "sourceLanguage": p.source_language,
                "totalKeys": p.key_count,
                "targetLanguages": len(items),
                "completionPercent": percent(translated, pairs),
                "archived": p.archived_at is not None,
            }
        )
    for lang in languages.values():
        lang["completionPercent"] = percent(lang["translated"], lang["totalKeys"])
    return {
        "totalProjects": len(found),
        "totalKeys": totals["keys"],
        "sourceWords": totals["sourceWords"],
        "translated": totals["translated"],
        "reviewed": totals["reviewed"],
        "approved": totals["approved"],
        "completionPercent": percent(totals["translated"], totals["pairs"]),
        "reviewedPercent": percent(totals["reviewed"], totals["pairs"]),
        "approvedPercent": percent(totals["approved"], totals["pairs"]),
        "languages": sorted(languages.values(), key=lambda x: x["language"]),
        "projects": project_items,
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def ai_quality(
    session: Session, *, principal: Principal, project: Project, languages: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Per AI model and language: how many AI values were approved unchanged, how far the
    approved text moved from them, and how many of those still current fail checks."""
    principal.require(Permission.VIEW)
    wanted = languages_of(project, languages)
    return [
        {
            "model": o.model,
            "language": o.language,
            "aiValues": o.ai_values,
            "approved": o.approved,
            "approvedUnchanged": o.approved_unchanged,
            "approvedUnchangedRate": _rate(o.approved_unchanged, o.ai_values),
            "unchangedWhenApprovedRate": _rate(o.approved_unchanged, o.approved),
            "medianEditDistance": float(statistics.median(o.distances)) if o.distances else None,
            "current": o.current,
            "failing": o.failing,
            "checkFailureRate": _rate(o.failing, o.current),
            "failingChecks": dict(sorted(o.failing_checks.items())),
        }
        for o in ai_stats.ai_outcomes(session, project_id=project.id, languages=wanted)
    ]


AI_CSV_COLUMNS = (
    "model",
    "language",
    "aiValues",
    "approved",
    "approvedUnchanged",
    "approvedUnchangedRate",
    "unchangedWhenApprovedRate",
    "medianEditDistance",
    "current",
    "failing",
    "checkFailureRate",
    "failingChecks",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell: "" for no value; text a spreadsheet would run as a formula (a model id is
    whatever the caller named) gets a leading `'`. The report is for reading, not re-import."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def ai_quality_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The AI-quality rows as CSV with a header; `failingChecks` as `id:n;id:n`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AI_CSV_COLUMNS)
    for row in rows:
        cells = {**row, "failingChecks": ";".join(f"{k}:{v}" for k, v in row["failingChecks"].items())}
        writer.writerow([_cell(cells[c]) for c in AI_CSV_COLUMNS])
    return out.getvalue()
