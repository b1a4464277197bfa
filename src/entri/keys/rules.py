"""The key domain's limits, one copy for the API, import, the CLI and the compat API.

See docs/api-decisions.md ("Limits"). Names may be whole English sentences (Magento CSV,
gettext and i18next files use them as keys), hence 10,000 characters; uniqueness is enforced
on a hash of the name, so PostgreSQL's btree entry cap does not apply.
"""

from __future__ import annotations

from entri.core.text import storable

MAX_NAME = 10_000
MAX_NAMESPACE = 255
MAX_DESCRIPTION = 10_000
MAX_CONTEXT = 2_500
MAX_TAGS = 50
MAX_TAG = 100
MAX_LENGTH_RANGE = range(0, 1_000_001)
"""A key's display limit (`maxLength`, XLIFF `maxwidth`); 0 is a real, if harsh, limit."""
MAX_BULK = 1000


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:60] + "…"


def key_problems(
    *,
    name: str,
    namespace: str,
    description: str | None = None,
    context: str | None = None,
    tags: list[str] | None = None,
    max_length: int | None = None,
    where: str = "",
) -> list[str]:
    """Everything wrong with a key's fields, each naming the key; empty when it can be stored."""
    if (
        0 < len(name) <= MAX_NAME
        and len(namespace) <= MAX_NAMESPACE
        and (description is None or len(description) <= MAX_DESCRIPTION)
        and (context is None or len(context) <= MAX_CONTEXT)
        and (max_length is None or max_length in MAX_LENGTH_RANGE)
        and not tags
        and storable(f"{name}\n{namespace}\n{description or ''}\n{context or ''}")
    ):
        return []  # the common case, checked at the pace of a 100k-key import
    problems: list[str] = []
    label = f"{where}key '{_short(name)}'"
    if not name:
        problems.append(f"{where}key should not be empty")
    elif len(name) > MAX_NAME:
        problems.append(f"{label} is longer than {MAX_NAME} characters")
    if len(namespace) > MAX_NAMESPACE:
        problems.append(f"{label}: namespace is longer than {MAX_NAMESPACE} characters")
    if description is not None and len(description) > MAX_DESCRIPTION:
        problems.append(f"{label}: description is longer than {MAX_DESCRIPTION} characters")
    if context is not None and len(context) > MAX_CONTEXT:
        problems.append(f"{label}: context is longer than {MAX_CONTEXT} characters")
    if max_length is not None and max_length not in MAX_LENGTH_RANGE:
        problems.append(f"{label}: the maximum length (maxLength) is out of range (0-{MAX_LENGTH_RANGE.stop - 1})")
    if tags is not None:
        if len(tags) > MAX_TAGS:
            problems.append(f"{label}: at most {MAX_TAGS} tags")
        if any(not t or len(t) > MAX_TAG for t in tags):
            problems.append(f"{label}: a tag must be 1-{MAX_TAG} characters")
    texts = [name, namespace, description or "", context or "", *(tags or [])]
    if not all(storable(t) for t in texts):
        problems.append(f"{where}key {_short(name)!r} contains a NUL or an unpaired surrogate character")
    return problems
