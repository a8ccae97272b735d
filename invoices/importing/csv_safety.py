"""Protection against CSV/formula injection when data read from uploads is exported again as CSV.

A cell that a spreadsheet would evaluate as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, as listed by OWASP) gets a leading apostrophe, which spreadsheets display as text. Plain
numbers such as ``-120.00`` are left alone so that credits still export as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A signed number as our exports write it: "-120.00", "+5", "-1,234.56". Anything else with a sign is suspect.
_SIGNED_NUMBER = re.compile(r"[-+](?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def neutralise_cell(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: ``'=HYPERLINK(...)`` rather than a live formula."""
    if not value:
        return value
    # Leading spaces do not stop some spreadsheets from evaluating what follows, so look past them.
    stripped = value.lstrip(" ")
    if not stripped.startswith(_TRIGGERS) and not value.startswith(_TRIGGERS):
        return value
    if _SIGNED_NUMBER.fullmatch(stripped):
        return value
    return "'" + value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """Apply ``neutralise_cell`` to the strings of a row (numbers and dates pass through)."""
    return [neutralise_cell(v) if isinstance(v, str) else v for v in values]
