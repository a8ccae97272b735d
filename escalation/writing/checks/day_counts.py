"""Day counts: "N days overdue" and the like must be an invoice's days overdue (or a lower bound of the oldest);
other "N days" are not figures and are blanked so that they are never read as money."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .masking import LIST_CAP, blank

if TYPE_CHECKING:
    from .facts_view import Ledger
    from .lines import Owners

_QUALIFIER = r"(?:(?P<qualifier>more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of)\s+)?"
_OVERDUE_WORDS = (
    r"(?:overdue|past[\s-]+due|late|outstanding|unpaid|in\s+arrears|behind|überfällig|im\s+Verzug|en\s+retard"
    r"|(?:past|after|beyond)\s+(?:the\s+|its\s+|their\s+)?due(?:\s+dates?)?)"
)
_DAYS_OVERDUE = (
    re.compile(
        rf"(?<![\w.,]){_QUALIFIER}(?P<n>\d{{1,5}})(?:\s+|-)(?:calendar\s+)?(?:days?|Tagen?|jours?)(?:\s+|-){_OVERDUE_WORDS}",
        re.I,
    ),
    re.compile(
        rf"\b(?:overdue|past\s+due|late|outstanding|unpaid|in\s+arrears)\s+(?:by|for)\s+{_QUALIFIER}"
        r"(?P<n>\d{1,5})(?:\s+|-)(?:calendar\s+)?days?\b",
        re.I,
    ),
)
_ANY_DAYS = re.compile(
    r"(?<![\w.,])\d{1,5}(?:\s+|-)(?:calendar\s+|business\s+|working\s+)?(?:days?|Tagen?|jours?)\b", re.I
)


def check_day_counts(
    text: str, masked: str, ledger: Ledger, failures: dict, owners: Owners | None = None
) -> tuple[list[dict], str]:
    """A count on an invoice's line must be that invoice's days overdue; elsewhere any invoice's, or a lower bound
    ("more than 90 days overdue") of the oldest."""
    found: list[dict] = []
    oldest = ledger.oldest_days if ledger.oldest_days is not None else max(ledger.days, default=None)
    for pattern in _DAYS_OVERDUE:
        for match in pattern.finditer(masked):
            raw = " ".join(text[match.start() : match.end()].split())
            days = int(match.group("n"))
            qualifier = " ".join((match.group("qualifier") or "").lower().split())
            owner = owners.owner(match.start()) if owners else None
            item = ledger.items.get(owner) if owner else None
            bound = item.days_overdue if item else oldest
            if qualifier == "at least":
                in_ledger = bound is not None and days <= bound
            elif qualifier:
                in_ledger = bound is not None and days < bound
            else:
                in_ledger = days == bound if item else days in ledger.days
            found.append({"text": raw, "days": days, "in_ledger": in_ledger, **({"invoice": owner} if item else {})})
            if not in_ledger and item and days in ledger.days:
                failures["days"].append(
                    f'"{raw}" is on the line of invoice {owner}, which is {item.days_overdue or 0} days overdue'
                )
            elif not in_ledger:
                shown = ", ".join(str(day) for day in sorted(ledger.days, reverse=True)[:LIST_CAP]) or "none"
                failures["days"].append(f'"{raw}" does not match the ledger (days overdue: {shown})')
            masked = blank(masked, match.start(), match.end())
    for match in _ANY_DAYS.finditer(masked):  # "within 7 days": not a ledger figure, never money
        masked = blank(masked, match.start(), match.end())
    return found, masked
