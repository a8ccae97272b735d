"""Day counts: "N days overdue" and the like must be an invoice's days overdue (or a lower bound of the oldest);
other "N days" are not figures and are blanked so that they are never read as money."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .masking import LIST_CAP, blank

if TYPE_CHECKING:
    from .facts_view import Ledger

_QUALIFIER = r"(?:(?P<qualifier>more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of)\s+)?"
_OVERDUE_WORDS = (
    r"(?:overdue|past[\s-]+due|late|outstanding|unpaid|in\s+arrears|behind"
    r"|(?:past|after|beyond)\s+(?:the\s+|its\s+|their\s+)?due(?:\s+dates?)?)"
)
_DAYS_OVERDUE = (
    re.compile(
        rf"(?<![\w.,]){_QUALIFIER}(?P<n>\d{{1,5}})(?:\s+|-)(?:calendar\s+)?days?(?:\s+|-){_OVERDUE_WORDS}", re.I
    ),
    re.compile(
        rf"\b(?:overdue|past\s+due|late|outstanding|unpaid|in\s+arrears)\s+(?:by|for)\s+{_QUALIFIER}"
        r"(?P<n>\d{1,5})(?:\s+|-)(?:calendar\s+)?days?\b",
        re.I,
    ),
)
_ANY_DAYS = re.compile(r"(?<![\w.,])\d{1,5}(?:\s+|-)(?:calendar\s+|business\s+|working\s+)?days?\b", re.I)


def check_day_counts(text: str, masked: str, ledger: Ledger, failures: dict) -> tuple[list[dict], str]:
    found: list[dict] = []
    oldest = ledger.oldest_days if ledger.oldest_days is not None else max(ledger.days, default=None)
    for pattern in _DAYS_OVERDUE:
        for match in pattern.finditer(masked):
            raw = " ".join(text[match.start() : match.end()].split())
            days = int(match.group("n"))
            qualifier = " ".join((match.group("qualifier") or "").lower().split())
            if qualifier == "at least":
                in_ledger = oldest is not None and days <= oldest
            elif qualifier:
                in_ledger = oldest is not None and days < oldest
            else:
                in_ledger = days in ledger.days
            found.append({"text": raw, "days": days, "in_ledger": in_ledger})
            if not in_ledger:
                shown = ", ".join(str(day) for day in sorted(ledger.days, reverse=True)[:LIST_CAP]) or "none"
                failures["days"].append(f'"{raw}" does not match the ledger (days overdue: {shown})')
            masked = blank(masked, match.start(), match.end())
    for match in _ANY_DAYS.finditer(masked):  # "within 7 days": not a ledger figure, never money
        masked = blank(masked, match.start(), match.end())
    return found, masked
