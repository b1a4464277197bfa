"""Glossary adherence: a translation uses the organization's terminology.

For every glossary term found in the source text, the translation must contain the term's
approved translation for its language (found with the same matching rules: word boundaries,
case, stemming), or, for a do-not-translate term, the term exactly as written; and it must not
contain a term marked forbidden. The glossary itself is prepared elsewhere (entri.glossary,
once per organization and glossary revision) and reaches this check through
`Context.extra["glossary"]` as anything with the `GlossaryRules` shape: the checks package
stays pure and imports no domain. No glossary (None): the check passes.

Severity `warning` by default: a sentence may rightly avoid a term (a pronoun, a rephrasing), and
stemming does not know irregular forms (`mouse`/`mice`), so a missing term must not block
approval unless an organization says so (`settings.checks.severities.glossary: "error"`).
"""

from __future__ import annotations

from typing import Protocol

from entri.checks.base import Context, Severity, Subject
from entri.checks.forms import pairs
from entri.checks.registry import register

CONTEXT_KEY = "glossary"


class GlossaryRules(Protocol):
    def problems(self, source: str, target: str, source_language: str, target_language: str) -> list[str]:
        """One message per problem of `target` (the translation of `source`), naming the term
        and the expected text; empty when the translation follows the glossary."""
        ...


@register(
    "glossary",
    Severity.WARNING,
    "A glossary term is not followed: approved translation missing, do-not-translate term altered, forbidden term used",
    needs_source=True,
)
def glossary(subject: Subject, context: Context) -> list[str]:
    rules: GlossaryRules | None = context.extra.get(CONTEXT_KEY)
    if rules is None or subject.do_not_translate:
        return []
    found: list[str] = []
    for category, source, target in pairs(subject):
        if source is None:
            continue
        for message in rules.problems(source, target, subject.source_language, subject.language):
            found.append(f"form '{category}': {message}" if category else message)
    return list(dict.fromkeys(found))
