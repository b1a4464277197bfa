"""A method's parameters, whatever the encoding they came in, read with their type rules.

Query string, form fields, multipart fields and JSON bodies all end up here as one mapping
(the body wins over the query string for a name given in both). Form and query values are
strings; a JSON body's are JSON values. Every refusal names the parameter. Parameters a
method does not take are ignored, as the vendor's API (and Telegram's, which it copies) does:
scripts written for it may send more than a method reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from entri.compat.errors import CompatError
from entri.core.text import storable

_INTEGER = re.compile(r"^\s*[+-]?\d{1,18}\s*$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class Params:
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    def _raw(self, name: str, required: bool) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise CompatError(f"parameter '{name}' is required")
            return None
        return value

    def text(self, name: str, *, required: bool = False, empty: bool = False) -> str | None:
        """A string parameter; a JSON number is taken as its decimal text. With `empty`, `""`
        is a value rather than an absent parameter."""
        value = self.values.get(name) if empty else self._raw(name, required)
        if value is None:
            if required:
                raise CompatError(f"parameter '{name}' is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise CompatError(f"parameter '{name}' must be a string")
        text = str(value)
        if not storable(text):
            raise CompatError(f"parameter '{name}' contains a NUL or an unpaired surrogate character")
        return text

    def integer(self, name: str, *, required: bool = False, minimum: int = 0, maximum: int = 2**63 - 1) -> int | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and _INTEGER.match(value))
        ):
            raise CompatError(f"parameter '{name}' must be an integer")
        number = int(value)
        if not minimum <= number <= maximum:
            raise CompatError(f"parameter '{name}' must be between {minimum} and {maximum}")
        return number

    def boolean(self, name: str) -> bool:
        value = self._raw(name, False)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise CompatError(f"parameter '{name}' must be a boolean (0 or 1, true or false)")
