"""Currency: every ISO code, symbol and currency word in the text must denote the account's currency."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .facts_view import Ledger

# ISO codes recognised in the text besides the account's own currency. Deliberately small and without codes that
# are also ordinary upper-case words in a shouted final notice (TRY, RON, ALL, ...).
COMMON_CURRENCY_CODES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "JPY",
        "CNY",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "SGD",
        "HKD",
        "MXN",
        "BRL",
        "ZAR",
        "AED",
        "ILS",
    }
)
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"})
# A currency symbol and the currencies it may stand for.
CURRENCY_SYMBOLS = {
    "$": DOLLAR_CURRENCIES,
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "¥": frozenset({"JPY", "CNY"}),
    "₹": frozenset({"INR"}),
}
# Prefixed dollar signs (``US$``, ``C$``, ...).
DOLLAR_PREFIXES = {
    "US": "USD",
    "CA": "CAD",
    "C": "CAD",
    "AU": "AUD",
    "A": "AUD",
    "NZ": "NZD",
    "S": "SGD",
    "SG": "SGD",
    "HK": "HKD",
    "MX": "MXN",
    "Mex": "MXN",
    "R": "BRL",
}
CURRENCY_WORDS = {"dollar": DOLLAR_CURRENCIES, "euro": frozenset({"EUR"}), "sterling": frozenset({"GBP"})}


_SYMBOL = re.compile(
    r"(?:(?<![A-Za-z])(?P<prefix>" + "|".join(sorted(DOLLAR_PREFIXES, key=len, reverse=True)) + r"))?"
    r"(?P<symbol>[$€£¥₹])"
)
_CURRENCY_WORD = re.compile(r"\b(?P<word>dollars?|euros?|sterling)\b", re.IGNORECASE)


def _symbol_currencies(prefix: str | None, symbol: str) -> frozenset[str]:
    if prefix and symbol == "$":
        return frozenset({DOLLAR_PREFIXES[prefix]})
    return CURRENCY_SYMBOLS[symbol]


def check_currencies(text: str, masked: str, ledger: Ledger, failures: dict) -> list[dict]:
    found: list[dict] = []
    codes = COMMON_CURRENCY_CODES | ({ledger.currency} if re.fullmatch(r"[A-Z]{3}", ledger.currency) else set())
    code_pattern = re.compile(r"(?<![A-Za-z])(?P<code>" + "|".join(sorted(codes)) + r")(?![A-Za-z])")
    markers: list[tuple[str, frozenset[str]]] = []
    markers += [(m.group("code"), frozenset({m.group("code")})) for m in code_pattern.finditer(masked)]
    markers += [
        (m.group(0), _symbol_currencies(m.group("prefix"), m.group("symbol"))) for m in _SYMBOL.finditer(masked)
    ]
    for m in _CURRENCY_WORD.finditer(masked):
        word = m.group("word").lower().rstrip("s")
        markers.append((m.group("word"), CURRENCY_WORDS[word]))
    seen = set()
    for marker, currencies in markers:
        ok = not ledger.currency or ledger.currency in currencies
        if marker in seen:
            continue
        seen.add(marker)
        found.append({"text": marker, "currencies": sorted(currencies), "ok": ok})
        if not ok:
            meaning = marker if currencies == {marker} else f"{marker} ({'/'.join(sorted(currencies))})"
            failures["currency"].append(f"currency {meaning} does not match the account's currency {ledger.currency}")
    return found
