"""Invoice numbers: each of the ledger's must appear on word boundaries; tokens of the same shape, or right after
the word "invoice" / "credit note", that are not the ledger's are invented invoices."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from escalation.writing.money import format_date

from .lines import Mention
from .masking import MASK, alternation, blank, mask_all

if TYPE_CHECKING:
    from .facts_view import Ledger


def _invoice_bounded(number: str) -> tuple[str, str, str]:
    before = r"(?<![\w$€£¥₹-])" if number[0].isalnum() else ""
    after = r"(?!\w|-\w|[.,]\d)" if number[-1].isalnum() else ""
    return before, re.escape(number), after


def _invoices_pattern(numbers: list[str]) -> re.Pattern:
    """Any of the ledger's invoice numbers, on word boundaries, the longest first."""
    return alternation(tuple(_invoice_bounded(number) for number in sorted(numbers, key=len, reverse=True)))


def _invoice_key(token: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", token).upper()


def _shape_patterns(numbers: list[str]) -> list[re.Pattern]:
    """For each letter prefix of the ledger's numbers (``INV`` of ``INV-24017``): any token of that shape."""
    patterns = {}
    for number in numbers:
        match = re.match(r"([A-Za-z]+)([-_/#. ]?)\d", number)
        if not match:
            continue
        prefix, separator = match.groups()
        separators = "[-_/#.]" if separator != " " else "[-_/#. ]"
        flags = re.IGNORECASE if len(prefix) > 1 else 0
        key = (prefix.upper() if flags else prefix, separators)
        patterns[key] = re.compile(rf"(?<![\w-]){re.escape(prefix)}{separators}?\d[\w/-]*", flags)
    return list(patterns.values())


_INVOICE_REF = r"(?:\x00+|[A-Za-z]{0,6}[-/#]?\d[\w/-]*(?<![-/])(?![.,]\d))"
_INVOICE_KEYWORD = re.compile(
    r"\b(?:invoices?|inv|credit\s+notes?|credit\s+memos?)\b\.?[ \t]*"
    r"(?:(?:no|nos|number|numbers|#)\.?[ \t]*)?[#:]?[ \t]*"
    rf"(?P<tokens>{_INVOICE_REF}(?:[ \t]*(?:,|and|&|/|or)[ \t]*#?{_INVOICE_REF})*)",
    re.IGNORECASE,
)


# The words that present an invoice that is not yet due as upcoming rather than asked for.
_UPCOMING = re.compile(
    r"not\s+(?:yet\s+)?due|(?:coming|falls?|falling|will\s+(?:be|fall|become))\s+due|upcoming|due\s+soon|"
    r"for\s+(?:your\s+)?information|noch\s+nicht\s+fällig|wird\s+(?:am\s+[^\n]{0,30}\s+)?fällig|"
    r"demnächst\s+fällig|pas\s+encore\s+(?:dû|échu)|à\s+venir",
    re.IGNORECASE,
)
COMING_DUE_FROM_DEGREE_NEVER = 3  # from this degree an invoice not yet due may not appear at all


def check_invoice_numbers(
    text: str, masked: str, ledger: Ledger, failures: dict, found: dict
) -> tuple[str, list[Mention]]:
    """Every overdue invoice and credit must be mentioned; invoices coming due only as upcoming (and not at all
    from degree 3). Returns the text with the numbers blanked and where they were (for ``lines.Owners``)."""
    known_numbers = [*ledger.invoice_numbers, *ledger.coming_numbers]
    known = {_invoice_key(number) for number in known_numbers}
    pattern = _invoices_pattern(known_numbers)
    present = {match.group(0) for match in pattern.finditer(text)}
    for number in ledger.invoice_numbers:
        if number in present:
            found["mentioned"].append(number)
        else:
            found["missing"].append(number)
            failures["invoices"].append(f"invoice {number} is not mentioned (every overdue invoice and credit must be)")
    mentions = [Mention(match.start(), match.end(), match.group(0)) for match in pattern.finditer(masked)]
    coming = set(ledger.coming_numbers)
    reported: set[str] = set()
    for mention in mentions:
        if mention.number not in coming or mention.number in reported:
            continue
        item = ledger.items[mention.number]
        due = f" (due {format_date(item.due_date)})" if item.due_date else ""
        if ledger.degree >= COMING_DUE_FROM_DEGREE_NEVER:
            reported.add(mention.number)
            failures["invoices"].append(
                f"invoice {mention.number} is not yet due{due} and must not appear in a degree-{ledger.degree} email"
            )
        elif not _UPCOMING.search(_line_at(text, mention.start)):
            reported.add(mention.number)
            failures["invoices"].append(
                f"invoice {mention.number} is not yet due{due}: it may only be mentioned as upcoming, not asked for"
            )
    masked = mask_all(masked, pattern)
    for shape in _shape_patterns(known_numbers):
        for match in shape.finditer(masked):
            token = match.group(0).rstrip("-/")
            if _invoice_key(token) not in known:
                _unknown_invoice(token, failures, found)
            masked = blank(masked, match.start(), match.end())
    return masked, mentions


def _line_at(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)]


def check_invoice_keywords(masked: str, ledger: Ledger, failures: dict, found: dict) -> str:
    """Numbers right after "invoice" / "credit note" (after dates and day counts are blanked)."""
    known = {_invoice_key(number) for number in [*ledger.invoice_numbers, *ledger.coming_numbers]}
    for match in _INVOICE_KEYWORD.finditer(masked):
        start = match.start("tokens")
        for token in re.finditer(_INVOICE_REF, match.group("tokens")):
            value = token.group(0)
            if MASK in value or len(value) < 3:  # "invoice 1 of 3" is not an invoice number
                continue
            if _invoice_key(value) not in known:
                _unknown_invoice(value, failures, found)
            masked = blank(masked, start + token.start(), start + token.end())
    return masked


def _unknown_invoice(token: str, failures: dict, found: dict) -> None:
    if token not in found["unknown"]:
        found["unknown"].append(token)
        failures["invoices"].append(f"invoice {token} is not one of this account's open invoices")
