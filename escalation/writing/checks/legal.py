"""Legal threats, by the lowest escalation degree that may use them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .facts_view import Ledger

# Legal and collection threats, by the lowest escalation degree that may use them (degree 1 friendly reminder,
# 2 firm, 3 urgent, 4 final notice, 5 pre-collection). Each entry: the phrase as reported, and its pattern (matched
# case-insensitively with word boundaries, except where the pattern sets its own case).
# From degree 4 (final notice): a warning that the account may go further.
LEGAL_WARNINGS = (
    ("legal action", r"legal\s+action"),
    ("collection agency", r"collections?\s+agenc(?:y|ies)"),
    ("further action", r"further\s+(?:action|steps|measures)"),
)
# Only at degree 5 (pre-collection); below that they are threats the app does not make.
LEGAL_THREATS = (
    ("legal proceedings", r"(?:legal|court)\s+proceedings?"),
    ("legal steps", r"legal\s+(?:steps|measures|remedies|recourse|means|counsel|department|team)"),
    ("court", r"courts?"),
    ("lawsuit", r"law\s?suits?"),
    ("sue", r"(?-i:sue|sued|suing|SUE|SUED|SUING)"),  # lower case only: "Sue" is a first name
    ("attorney", r"attorneys?"),
    ("solicitor", r"solicitors?"),
    ("lawyer", r"lawyers?"),
    ("litigation", r"litigat(?:e|ion|ing)"),
    ("small claims", r"small\s+claims?"),
    ("debt collector", r"debt\s+collectors?"),
    ("debt collection", r"debt\s+collection(?!\s+agenc)"),
    ("credit reporting", r"credit\s+report(?:s|ing)?"),
    ("credit bureau", r"credit\s+(?:bureaus?|reference\s+agenc(?:y|ies)|rating\s+agenc(?:y|ies))"),
)
LEGAL_WARNINGS_FROM_DEGREE = 4
LEGAL_THREATS_FROM_DEGREE = 5


_LEGAL = tuple(
    (label, re.compile(rf"\b{pattern}\b", re.IGNORECASE), minimum)
    for phrases, minimum in ((LEGAL_WARNINGS, LEGAL_WARNINGS_FROM_DEGREE), (LEGAL_THREATS, LEGAL_THREATS_FROM_DEGREE))
    for label, pattern in phrases
)


def check_legal(masked: str, ledger: Ledger, failures: dict) -> list[str]:
    found: list[str] = []
    for label, pattern, minimum in _LEGAL:
        match = pattern.search(masked)
        if not match:
            continue
        found.append(label)
        if ledger.degree < minimum:
            failures["legal"].append(
                f'"{" ".join(match.group(0).split())}" threatens legal or collection action, which is not allowed '
                f"at degree {ledger.degree} (allowed from degree {minimum})"
            )
    return found
