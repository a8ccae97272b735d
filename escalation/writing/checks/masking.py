"""Masking: what a check has recognised is blanked out (keeping every position) so later checks do not read it."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .facts_view import Ledger

MASK = "\x00"
LIST_CAP = 12  # at most this many ledger figures are listed in one failure sentence


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + MASK * (end - start) + text[end:]


def bounded(literal: str) -> tuple[str, str, str]:
    """(before, literal, after): the literal with boundaries that stop it matching inside a longer word or number."""
    before = after = ""
    if literal[0].isalnum():
        before = r"(?<!\w)" + (r"(?<!\d[.,])" if literal[0].isdigit() else "")
    if literal[-1].isalnum():
        after = r"(?!\w)" + (r"(?![.,]\d)" if literal[-1].isdigit() else "")
    return before, re.escape(literal), after


@functools.lru_cache(maxsize=256)
def alternation(items: tuple[tuple[str, str, str], ...]) -> re.Pattern:
    """One pattern for many bounded literals: one pass over the text however many invoices or trusted lines there
    are. Literals with the same boundaries share them (one lookbehind before an alternation of literals instead of
    one per literal), which is what keeps a 100-invoice ledger fast."""
    groups: dict[tuple[str, str], list[str]] = {}
    for before, literal, after in items:
        groups.setdefault((before, after), []).append(literal)
    alternatives = [f"{before}(?:{'|'.join(literals)}){after}" for (before, after), literals in groups.items()]
    return re.compile("|".join(alternatives) or r"(?!)")


def mask_all(text: str, pattern: re.Pattern, start: int = 0, end: int | None = None) -> str:
    spans = [match.span() for match in pattern.finditer(text, start, len(text) if end is None else end)]
    if not spans:
        return text
    parts, last = [], 0
    for span_start, span_end in spans:
        parts += [text[last:span_start], MASK * (span_end - span_start)]
        last = span_end
    return "".join([*parts, text[last:]])


def mask_literals(text: str, literals: list[str], start: int = 0, end: int | None = None) -> str:
    ordered = sorted(literals, key=len, reverse=True)  # the longest first where two start at one place
    return mask_all(text, alternation(tuple(bounded(literal) for literal in ordered)), start, end)


_GREETING = re.compile(
    r"[ \t]*(?:dear|hello|hi|hey|greetings|good\s+(?:morning|afternoon|evening))\b[^\n]*", re.IGNORECASE
)


def mask_trusted(text: str, body_start: int, ledger: Ledger) -> str:
    text = mask_literals(text, ledger.trusted_texts)
    # The contact's name is untrusted: it is only passed over in the greeting line (the body's first line).
    first_line = re.compile(r"\s*").match(text, body_start).end()
    greeting = _GREETING.match(text, first_line)
    if greeting:
        text = mask_literals(text, ledger.contact_names, greeting.start(), greeting.end())
    return text
