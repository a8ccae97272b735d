"""Amounts: what looks like money (two decimals, thousands separators or a currency marker next to it) must be a
ledger figure — an invoice's amount or outstanding, or the total due."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from .currencies import COMMON_CURRENCY_CODES, DOLLAR_PREFIXES

if TYPE_CHECKING:
    from .facts_view import Ledger

_NUMBER = re.compile(
    r"(?<![\d.,_\x00])(?:"
    r"(?P<eu_grouped>\d{1,3}(?:\.\d{3})+,\d{2})"
    r"|(?P<us>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
    r"|(?P<spaced>\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,5}[.,]\d{2})"
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
        return Decimal("".join(whole.split()) + "." + decimals), decimals, True
    token = match.group("us") or match.group("plain")
    decimals = token.partition(".")[2]
    return Decimal(token.replace(",", "")), decimals, "," in token


def check_amounts(masked: str, ledger: Ledger, failures: dict) -> tuple[list[dict], list[str]]:
    amounts: list[dict] = []
    ignored: list[str] = []
    codes = COMMON_CURRENCY_CODES | {ledger.currency}
    magnitudes = {abs(value) for value in ledger.values}
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
        if not (currency or len(decimals) == 2 or grouped):
            ignored.append(match.group(0))
            continue
        minus = False
        if left and left.group("sign"):
            sign_at = start - 12 + left.start("sign") if start >= 12 else left.start("sign")
            before = masked[sign_at - 1] if sign_at > 0 else " "
            minus = not before.isalnum() or (left.group("code") in codes)
        parenthesised = bool(left and left.group("paren") and right and right.group("paren"))
        # An explicit minus must match a credit; otherwise by magnitude ("a credit of 450.00", "(450.00)").
        in_ledger = -value in ledger.values if minus else value in magnitudes
        shown = f"-{match.group(0)}" if minus else f"({match.group(0)})" if parenthesised else match.group(0)
        amounts.append(
            {
                "text": shown,
                "value": str(-value if minus or parenthesised else value),
                "currency": currency,
                "in_ledger": in_ledger,
            }
        )
        if not in_ledger:
            failures["amounts"].append(f"amount {shown} is not in the ledger ({ledger.summary()})")
    return amounts, ignored
