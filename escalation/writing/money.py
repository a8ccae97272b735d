"""Formatting and parsing helpers shared by the offline writer and the ledger check (standard library only).

Money is formatted one way everywhere the app writes it: ``4,820.00 USD`` (``format_money``). Untrusted one-line
text (names from a CSV, an account name in a subject line) goes through ``clean_inline`` before it is written, and
the contact's first name only ever reaches an email through ``greeting_name``; the ledger check uses the same
functions so that it recognises exactly what the writer wrote.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The longest greeting name the writer uses, and the most words it may have; anything longer is not a name
# (e.g. an instruction smuggled into the first-name column) and the writer greets generically instead.
GREETING_NAME_MAX_LENGTH = 40
GREETING_NAME_MAX_WORDS = 4
_NAME_PUNCTUATION = frozenset(" '-.\u2019")


def to_decimal(value: object) -> Decimal | None:
    """``Decimal`` of a ledger figure (``"4820.00"``, ``Decimal``, ``int``); ``None`` when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def format_amount(value: object) -> str:
    """``4,820.00``; negatives keep their sign (``-450.00``). Not a number → ``""``."""
    number = to_decimal(value)
    if number is None:
        return ""
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # never "-0.00"
    return f"{number:,.2f}"


def format_money(value: object, currency: str) -> str:
    """``4,820.00 USD`` — the one money format of the writer (no currency known → the amount alone)."""
    amount = format_amount(value)
    return f"{amount} {currency}" if currency else amount


def parse_iso_date(value: object) -> datetime.date | None:
    """A ``date`` from an ISO string (or a ``date``); anything else → ``None``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def format_date(value: datetime.date) -> str:
    """``12 March 2025`` — unambiguous in every English-speaking country."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def clean_inline(value: object, *, max_length: int, drop: str = "") -> str:
    """One line of text: control and format characters removed, line breaks and runs of whitespace turned into
    one space, the characters in ``drop`` removed, capped at ``max_length`` (cut at a word boundary)."""
    text = "" if value is None else str(value)
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char).startswith("C") or char in drop:
            continue
        else:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) > max_length:
        cut = text[: max_length + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else text[:max_length]
        text = text.rstrip(" ,;:-")
    return text


def greeting_name(first_name: object) -> str:
    """The contact's first name as the greeting may use it, or ``""`` to greet generically.

    Names come from a CSV and are untrusted: only letters, spaces, apostrophes, hyphens and dots are kept (no
    digits, so no figure can reach the email through a name), the result is capped at 40 characters, and
    something with more than four words is not taken for a name at all.
    """
    text = clean_inline(first_name, max_length=10 * GREETING_NAME_MAX_LENGTH)
    text = "".join(char for char in text if char.isalpha() or char in _NAME_PUNCTUATION)
    text = " ".join(text.split()).strip(" -.'\u2019")
    if not any(char.isalpha() for char in text) or len(text.split()) > GREETING_NAME_MAX_WORDS:
        return ""
    return clean_inline(text, max_length=GREETING_NAME_MAX_LENGTH).strip(" -.'\u2019")
