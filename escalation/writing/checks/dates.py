"""Dates: ISO, "12 March 2025", "March 12, 2025", numeric (read day-first and month-first) and year-less ones; each
must be one of the ledger's dates."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from escalation.writing.money import MONTH_NAMES

from .masking import blank

if TYPE_CHECKING:
    from .facts_view import Ledger

_MONTHS = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    for _form in {_name, _name[:3], "Sept" if _number == 9 else _name[:3]}:
        _MONTHS[_form] = _number
        _MONTHS[_form.upper()] = _number
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![A-Za-z])\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    (
        "ymd",
        re.compile(r"(?<![\w/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\w-]|[./]\d)"),
    ),
    ("dmy", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})(?!\w)")),
    ("mdy", re.compile(rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})(?!\w)")),
    (
        "numeric",
        re.compile(
            r"(?<![\w/.,-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/]|[.,-]\d)"
        ),
    ),
    ("dm", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?!\w)")),
    ("md", re.compile(rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?!\w|[.,]\d)")),
)


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_candidates(kind: str, match: re.Match) -> list[datetime.date] | list[tuple[int, int]] | None:
    groups = match.groupdict()
    if kind == "ymd":
        candidates = [_date(int(groups["year"]), int(groups["a"]), int(groups["b"]))]
    elif kind in ("dmy", "mdy"):
        candidates = [_date(int(groups["year"]), _MONTHS[groups["month"]], int(groups["day"]))]
    elif kind == "numeric":
        year = int(groups["year"])
        if len(groups["year"]) == 2:
            if groups["sep"] == ".":
                return None  # "1.50.25" is not a date
            year += 2000
        first, second = int(groups["a"]), int(groups["b"])
        candidates = [_date(year, second, first), _date(year, first, second)]  # day-first, then month-first
    else:
        month, day = _MONTHS[groups["month"]], int(groups["day"])
        return [(month, day)] if _date(2000, month, day) else []  # 2000 is a leap year: 29 February is valid
    return sorted({day for day in candidates if day is not None})


def check_dates(text: str, masked: str, ledger: Ledger, failures: dict) -> tuple[list[dict], str]:
    found: list[dict] = []
    month_days = {(day.month, day.day) for day in ledger.dates}
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(masked):
            candidates = _date_candidates(kind, match)
            if candidates is None:
                continue
            raw = text[match.start() : match.end()].rstrip(".")
            if kind in ("dm", "md"):
                in_ledger = any(candidate in month_days for candidate in candidates)
                readings = [f"--{month:02d}-{day:02d}" for month, day in candidates]
            else:
                in_ledger = any(candidate in ledger.dates for candidate in candidates)
                readings = [candidate.isoformat() for candidate in candidates]
            found.append({"text": raw, "readings": readings, "in_ledger": in_ledger, "at": match.start()})
            if not in_ledger:
                failures["dates"].append(
                    f'date "{raw}" is not in the ledger (invoice, due, report, reply-by and previous email dates)'
                )
            masked = blank(masked, match.start(), match.end())
    found.sort(key=lambda item: item.pop("at"))
    return found, masked
