"""gettext POT template codec (format id `pot`).

A template carries source strings only: every value is `None` on import (a non-empty msgstr in
a POT is ignored, as xgettext never writes one) and every msgstr is empty on export. The header
gets `#, fuzzy` and keeps `Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;` unless the
catalog has a real rule; `charset=CHARSET` reads as UTF-8 and exports as `charset=UTF-8`
(the PO mapping: docs/api-decisions.md, "PO"). Everything else is the PO codec.
"""

from __future__ import annotations

from entri.formats.catalog import Catalog
from entri.formats.po import parse_text, render_text


def parse(data: bytes, language: str) -> Catalog:
    return parse_text(data, language, template=True)


def render(catalog: Catalog) -> bytes:
    return render_text(catalog, template=True)
