"""Facts kept twice on purpose stay equal: `formats` imports nothing of the server, so it carries
its own copy of the CLDR categories and the import limits; the schemas spell the status list
out for the OpenAPI document."""

from __future__ import annotations

from typing import get_args

from entri.core import vocabularies
from entri.formats import catalog
from entri.formats import limits as format_limits
from entri.keys import rules as key_rules
from entri.translations import rules as translation_rules
from entri.translations.schemas import Status as StatusLiteral


def test_plural_categories_agree() -> None:
    assert catalog.PLURAL_CATEGORIES == vocabularies.PLURAL_CATEGORIES


def test_codec_limits_match_the_domain_limits() -> None:
    assert format_limits.MAX_KEY == key_rules.MAX_NAME
    assert format_limits.MAX_VALUE == translation_rules.MAX_VALUE


def test_status_literal_matches_the_vocabulary() -> None:
    assert list(get_args(StatusLiteral)) == [s.value for s in vocabularies.Status]


def test_entry_states_are_statuses() -> None:
    assert set(get_args(catalog.EntryState)) == {s.value for s in vocabularies.Status}
