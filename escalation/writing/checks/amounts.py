"""Amounts: what looks like money (two decimals, thousands separators or a currency marker next to it) must be a
ledger figure. On an invoice's line it must be that invoice's amount or outstanding (``lines.Owners``); on a line
that states the total due, the total due; elsewhere an invoice's or credit's figure, a total or the promised amount.
A number with three decimals, or one cut short ("5.696" for 5,696.73), is never an amount the app writes."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from escalation.writing.money import format_amount

from .currencies import COMMON_CURRENCY_CODES, DOLLAR_PREFIXES

if TYPE_CHECKING:
    from .facts_view import Ledger
    from .lines import Owners

_NUMBER = re.compile(
    r"(?<![\d.,_\x00])(?:"
    r"(?P<eu_grouped>\d{1,3}(?:\.\d{3})+,\d{2})"
    r"|(?P<us>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
    r"|(?P<spaced>\d{1,3}(?:[ \u00a0\u202f\u2019']\d{3}){1,5}[.,]\d{2})"  # fr "4 820,00", de-CH "4’820.00"
    r"|(?P<dotted>\d{1,3}(?:\.\d{3}){2,})"
    r"|(?P<eu>\d+,\d{2})"
    r"|(?P<plain>\d+(?:\.\d+)?)"
    r")(?![\d_\x00]|[.,]\d)"
)
_PREFIX_ALTERNATIVES = "|".join(sorted(DOLLAR_PREFIXES, key=len, reverse=True))
_LEFT = re.compile(
    r"(?P<paren>\()?[ \t]?"
    rf"(?:(?P<code>[A-Z]{{3}})[ \t\u00a0]?|(?P<symbol>(?:{_PREFIX_ALTERNATIVES})?[$€£¥₹])[ \t\u00a0]?)?"
    r"(?P<sign>[-\u2212])?(?P<symbol2>[$€£¥₹])?\Z"
)
_RIGHT = re.compile(
    r"\A[ \t\u00a0]?"
    r"(?:(?P<code>[A-Z]{3})(?![A-Za-z])|(?P<symbol>[$€£¥₹])|(?P<word>[Dd]ollars?|[Ee]uros?|[Ss]terling)\b)?"
    r"[ \t]?(?P<paren>\))?"
)
_NOT_MONEY_AFTER = re.compile(r"\A\s?(?:%|per\s*cent|percent|(?:am|pm|a\.m\.|p\.m\.)(?!\w))", re.IGNORECASE)


def _number_value(match: re.Match) -> tuple[Decimal, str, bool]:
    """(value, decimals, grouped) of a number token."""
    if match.group("eu_grouped"):
        whole, decimals = match.group("eu_grouped").split(",")
        return Decimal(whole.replace(".", "") + "." + decimals), decimals, True
    if match.group("eu"):
        whole, decimals = match.group("eu").split(",")
        return Decimal(f"{whole}.{decimals}"), decimals, False
    if match.group("spaced"):
        token = match.group("spaced")
        whole, decimals = token[:-3], token[-2:]
        return Decimal(re.sub(r"[\s\u2019']", "", whole) + "." + decimals), decimals, True
    if match.group("dotted"):
        return Decimal(match.group("dotted").replace(".", "")), "", True
    token = match.group("us") or match.group("plain")
    decimals = token.partition(".")[2]
    return Decimal(token.replace(",", "")), decimals, "," in token


# A line that states the total due (or the total overdue) may only carry the totals and the credits that make
# the difference between them.
_TOTAL_DUE_LINE = re.compile(
    r"\b(?:total|amount|balance|sum)\s+(?:now\s+)?(?:due|payable|owed|owing|to\s+pay)\b|\btotal\s+outstanding\b"
    r"|\b(?:gesamtbetrag|gesamtsumme|zu\s+zahlen|offener\s+betrag|montant\s+(?:total\s+)?(?:dû|à\s+payer))\b",
    re.IGNORECASE,
)
_TOTAL_OVERDUE_LINE = re.compile(r"\btotal\s+(?:overdue|past\s+due)\b|\boverdue\s+total\b|\büberfällig", re.I)
_TOTAL_WORD = re.compile(r"\b(?:total|totals|totalling|altogether|in\s+all|gesamt\w*|insgesamt|summe)\b", re.I)
_GROUPED_INTEGER = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def _line_at(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)]


def _cut_short(token: str, value: Decimal, decimals: str, ledger: Ledger) -> str | None:
    """A failure for "5.696" / "5,696" (a ledger amount cut short) or "4,820.000" (three or more decimals), else
    None. A whole amount in one locale's grouping ("4.820" or "4,820" for 4,820.00) is fine."""
    figures = {abs(figure) for figure in ledger.values}
    figures |= {abs(figure) for item in ledger.items.values() for figure in item.values}
    one_separator = len(set(re.sub(r"\d", "", token))) == 1
    grouped_reading = (
        Decimal(re.sub(r"[.,]", "", token)) if one_separator and _GROUPED_INTEGER.fullmatch(token) else None
    )
    if grouped_reading in figures or (len(decimals) < 3 and value in figures):
        return None
    truncated = {figure.to_integral_value(rounding=ROUND_DOWN): figure for figure in sorted(figures, reverse=True)}
    for reading in (value, grouped_reading):
        if reading is not None and reading in truncated and truncated[reading] != reading:
            shown = format_amount(truncated[reading])
            return f'amount "{token}" is {shown} cut short (amounts are written with their two decimals)'
    if len(decimals) >= 3:
        return f'number "{token}" has {len(decimals)} decimals (amounts are written with two)'
    return None


def check_amounts(
    masked: str, ledger: Ledger, failures: dict, owners: Owners | None = None
) -> tuple[list[dict], list[str]]:
    amounts: list[dict] = []
    ignored: list[str] = []
    codes = COMMON_CURRENCY_CODES | {ledger.currency}
    magnitudes = {abs(value) for value in ledger.values}
    credits = {abs(value) for item in ledger.items.values() if item.kind == "credit" for value in item.values}
    for match in _NUMBER.finditer(masked):
        start, end = match.span()
        after = masked[end : end + 24]
        if _NOT_MONEY_AFTER.match(after):
            ignored.append(match.group(0))
            continue
        value, decimals, grouped = _number_value(match)
        left = _LEFT.search(masked[max(0, start - 12) : start])
        right = _RIGHT.match(after)
        currency = None
        if left and left.group("code") in codes:
            currency = left.group("code")
        elif left and (left.group("symbol") or left.group("symbol2")):
            currency = left.group("symbol") or left.group("symbol2")
        elif right and right.group("code") in codes:
            currency = right.group("code")
        elif right and (right.group("symbol") or right.group("word")):
            currency = right.group("symbol") or right.group("word")
        token = match.group(0)
        cut = _cut_short(token, value, decimals, ledger) if len(decimals) != 2 and (grouped or decimals) else None
        if cut:
            amounts.append({"text": token, "value": str(value), "currency": currency, "in_ledger": False})
            failures["amounts"].append(cut)
            continue
        if not (currency or len(decimals) == 2 or grouped):
            ignored.append(token)
            continue
        if match.group("plain") and len(decimals) >= 3:
            value = Decimal(token.replace(".", ""))  # "4.820 €": the grouped reading is the one _cut_short accepted
        minus = False
        if left and left.group("sign"):
            sign_at = start - 12 + left.start("sign") if start >= 12 else left.start("sign")
            before = masked[sign_at - 1] if sign_at > 0 else " "
            minus = not before.isalnum() or (left.group("code") in codes)
        parenthesised = bool(left and left.group("paren") and right and right.group("paren"))
        shown = f"-{token}" if minus else f"({token})" if parenthesised else token
        owner = owners.owner(start) if owners else None
        item = ledger.items.get(owner) if owner else None
        line = _line_at(masked, start)
        # An explicit minus must match a credit; otherwise by magnitude ("a credit of 450.00", "(450.00)").
        if item:
            own = {*item.values} if minus else {abs(figure) for figure in item.values}
            in_ledger = (-value if minus else value) in own or (
                bool(_TOTAL_WORD.search(line)) and value in {abs(t) for t in (ledger.total_due,) if t is not None}
            )
            message = (
                f"amount {shown} is on the line of invoice {owner} but is not its amount or outstanding "
                f"({item.describe()})"
            )
        elif _TOTAL_DUE_LINE.search(line) or _TOTAL_OVERDUE_LINE.search(line):
            totals = [ledger.total_due] + ([ledger.total_overdue] if _TOTAL_OVERDUE_LINE.search(line) else [])
            allowed = {abs(t) for t in totals if t is not None} | credits
            in_ledger = (-value in ledger.values) if minus else value in allowed
            due = format_amount(ledger.total_due) if ledger.total_due is not None else "not in the facts"
            message = f"amount {shown} is stated as a total, but the total due is {due}"
        else:
            in_ledger = -value in ledger.values if minus else value in magnitudes
            message = f"amount {shown} is not in the ledger ({ledger.summary()})"
        amounts.append(
            {
                "text": shown,
                "value": str(-value if minus or parenthesised else value),
                "currency": currency,
                "in_ledger": in_ledger,
                **({"invoice": owner} if item else {}),
            }
        )
        if not in_ledger:
            known = (
                -value in ledger.values
                if minus
                else value in magnitudes | {abs(figure) for item in ledger.items.values() for figure in item.values}
            )
            # A figure of the ledger in the wrong place says where it belongs; one not in the ledger says so.
            failures["amounts"].append(
                message if known else f"amount {shown} is not in the ledger ({ledger.summary()})"
            )
    return amounts, ignored
