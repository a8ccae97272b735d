"""The checks a collection email passes before anyone may send it, one module per concern; ``ledger_check`` runs
them all over the final text (see check.py for how the text is read, claims_rules.py for what an email may claim
at each degree)."""

from .check import LedgerCheck, ledger_check
from .claims import CustomerNames
from .claims_rules import CLAIMS, DEGREE_NAMES, Claim, allowed_at, claims_prompt_lines
from .currencies import COMMON_CURRENCY_CODES, CURRENCY_SYMBOLS, DOLLAR_CURRENCIES
from .length import BODY_MAX_LENGTH, BODY_MIN_LENGTH, SUBJECT_MAX_LENGTH

__all__ = [
    "BODY_MAX_LENGTH",
    "BODY_MIN_LENGTH",
    "CLAIMS",
    "COMMON_CURRENCY_CODES",
    "CURRENCY_SYMBOLS",
    "DEGREE_NAMES",
    "DOLLAR_CURRENCIES",
    "SUBJECT_MAX_LENGTH",
    "Claim",
    "CustomerNames",
    "LedgerCheck",
    "allowed_at",
    "claims_prompt_lines",
    "ledger_check",
]
