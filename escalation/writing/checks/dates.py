"""Dates: ISO, "12 March 2025", "March 12, 2025", numeric (read day-first and month-first) and year-less ones; each
must be one of the ledger's dates."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from babel.dates import get_month_names

from escalation.writing.money import MONTH_NAMES, format_date

from .masking import blank

if TYPE_CHECKING:
    from .facts_view import Ledger
    from .lines import Owners

# Month names as the app's locales write them (Babel's CLDR data): English, German and French, wide and abbreviated
# ("12 March 2025", "12. März 2025", "12 mars 2025", "12 Mar 2025", "12 mrt. 2025" is not read: Dutch is not one).
_MONTH_LOCALES = ("en", "de", "fr")
_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS.update({_name: _number, _name[:3]: _number, _name.upper(): _number, _name[:3].upper(): _number})
_MONTHS["Sept"] = 9
for _locale in _MONTH_LOCALES:
    for _width in ("wide", "abbreviated"):
        for _context in ("format", "stand-alone"):
            for _number, _name in get_month_names(_width, _context, locale=_locale).items():
                _name = _name.rstrip(".")
                # English months only as written ("may" is a verb); French ones are lower case in a sentence.
                _forms = (_name, _name.upper()) if _locale == "en" else (_name, _name.lower(), _name.capitalize())
                for _form in _forms:
                    _MONTHS.setdefault(_form, _number)
_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")(?!\w)\.?"
_ORDINAL = r"(?:st|nd|rd|th|\.)?"  # "12th March", "12. März"
_DATE_PATTERNS = (
    (
        "ymd",
        re.compile(r"(?<![\w/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\w-]|[./]\d)"),
    ),
    (
        "dmy",
        re.compile(
            rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+|de\s+)?{_MONTH},?\s+(?:de\s+)?(?P<year>\d{{4}})(?!\w)"
        ),
    ),
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


# The word before a date on an invoice's line says which of its dates it is.
_ROLE_BEFORE = re.compile(
    r"(?:(?P<due>due(?:\s+date)?|payable|fällig(?:keit)?|Fälligkeitsdatum|échéance|échu)"
    r"|(?P<issued>dated|issued|invoice\s+date|Rechnungsdatum|vom|ausgestellt(?:\s+am)?|émise?|du))"
    r"(?:\s+(?:on|am|le))?[\s:,(]*\Z",
    re.IGNORECASE,
)


def _matches(candidates: list, days: set[datetime.date], year_less: bool) -> bool:
    if year_less:
        return any(candidate in {(day.month, day.day) for day in days} for candidate in candidates)
    return any(candidate in days for candidate in candidates)


def _role_of(ledger: Ledger, candidates: list, year_less: bool) -> str | None:
    """What the date is in the ledger, for a failure message ("invoice INV-1's due date")."""
    for item in ledger.items.values():
        for day, role in ((item.due_date, "due date"), (item.invoice_date, "invoice date")):
            if day and _matches(candidates, {day}, year_less):
                return f"invoice {item.number}'s {role}"
    return None


def check_dates(
    text: str, masked: str, ledger: Ledger, failures: dict, owners: Owners | None = None
) -> tuple[list[dict], str]:
    """A date on an invoice's line must be that invoice's date or due date (the due date where the text says
    "due"); elsewhere it must be the report date, the reply-by date, a previous email's, the promised date or the
    oldest due date."""
    found: list[dict] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(masked):
            candidates = _date_candidates(kind, match)
            if candidates is None:
                continue
            raw = text[match.start() : match.end()].rstrip(".")
            year_less = kind in ("dm", "md")
            if year_less:
                readings = [f"--{month:02d}-{day:02d}" for month, day in candidates]
            else:
                readings = [candidate.isoformat() for candidate in candidates]
            owner = owners.owner(match.start()) if owners else None
            item = ledger.items.get(owner) if owner else None
            if item:
                role = _ROLE_BEFORE.search(text, max(0, match.start() - 30), match.start())
                wanted = [
                    (day, name)
                    for day, name in ((item.invoice_date, "invoice date"), (item.due_date, "due date"))
                    if day
                    and not (role and role.group("due") and name != "due date")
                    and not (role and role.group("issued") and name != "invoice date")
                ]
                in_ledger = _matches(candidates, {day for day, _ in wanted}, year_less)
                if not in_ledger:
                    shown = " or ".join(f"{name} {format_date(day)}" for day, name in wanted) or "no such date"
                    failures["dates"].append(f'date "{raw}" is on the line of invoice {owner}, whose {shown}')
            else:
                in_ledger = _matches(candidates, ledger.general_dates, year_less)
                if not in_ledger:
                    what = _role_of(ledger, candidates, year_less)
                    failures["dates"].append(
                        f'date "{raw}" is not one of this email\'s dates (the report date, the reply-by date, a '
                        "previous email's date, the promised date or the oldest due date)"
                        + (f"; it is {what}, which belongs on that invoice's line" if what else "")
                    )
            if not in_ledger and not _matches(candidates, ledger.dates, year_less):
                failures["dates"][-1] = (
                    f'date "{raw}" is not in the ledger (invoice, due, report, reply-by and previous email dates)'
                )
            found.append({"text": raw, "readings": readings, "in_ledger": in_ledger, "at": match.start()})
            masked = blank(masked, match.start(), match.end())
    found.sort(key=lambda item: item.pop("at"))
    return found, masked
