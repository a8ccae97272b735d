"""Amounts in words ("five thousand six hundred", "forty-five dollars", "fünftausend Euro"): the app writes every
figure in digits from the ledger, so a figure in words is one the check could not verify."""

from __future__ import annotations

import re

_UNITS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen"
)
_TENS = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety"
_SCALES = "hundred|thousand|million|billion"
_WORD = rf"(?:{_UNITS}|{_TENS}|{_SCALES})"
# A run of English number words ("four thousand eight hundred and twenty", "forty-five").
_RUN = re.compile(rf"\b(?:a\s+)?{_WORD}(?:(?:\s+and\s+|\s+|-){_WORD})*\b", re.IGNORECASE)
_SCALED = re.compile(rf"\b(?:{_SCALES})\b", re.IGNORECASE)
_MONEY_AFTER = re.compile(
    r"\A\s*(?:(?:US\s+|Canadian\s+|Australian\s+)?dollars?|euros?|pounds?(?:\s+sterling)?|cents?|pence|bucks"
    r"|(?-i:[A-Z]{3})\b|[$€£¥₹])",
    re.IGNORECASE,
)
_NOT_MONEY_AFTER = re.compile(r"\A\s*(?:%|per\s*cent|percent)", re.IGNORECASE)
# German and French amounts: "fünftausendsechshundert", "zweihundert Euro", "cinq mille six cents".
_GERMAN = re.compile(
    r"\b(?:(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\w+zehn|zwanzig|dreißig|\w+zig)"
    r"(?:hundert|tausend)|hundert|tausend|million(?:en)?)\w*(?:\s+(?:Euro|Dollar|Franken|Pfund)\b)?",
    re.IGNORECASE,
)
_FRENCH = re.compile(
    r"\b(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|trente|quarante|cinquante|soixante|cent)"
    r"(?:[\s-]+(?:et[\s-]+)?(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cents?))*[\s-]+mille\b",
    re.IGNORECASE,
)


def check_amounts_in_words(masked: str, failures: dict) -> list[str]:
    found: list[str] = []
    for match in _RUN.finditer(masked):
        after = masked[match.end() : match.end() + 30]
        phrase = " ".join(match.group(0).split())
        if _NOT_MONEY_AFTER.match(after):
            continue
        money = _MONEY_AFTER.match(after)
        if _SCALED.search(phrase) or money:
            found.append(" ".join(f"{phrase}{money.group(0) if money else ''}".split()))
    for pattern in (_GERMAN, _FRENCH):
        found.extend(" ".join(match.group(0).split()) for match in pattern.finditer(masked))
    for phrase in dict.fromkeys(found):
        failures["amounts"].append(f'"{phrase}" is a figure in words; amounts are written in digits from the ledger')
    return list(dict.fromkeys(found))
