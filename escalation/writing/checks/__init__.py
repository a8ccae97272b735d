"""The checks a collection email passes before anyone may send it, one module per concern; ``ledger_check`` runs
them all over the final text (see check.py for how the text is read)."""

from .check import LedgerCheck, ledger_check
from .currencies import COMMON_CURRENCY_CODES, CURRENCY_SYMBOLS, DOLLAR_CURRENCIES
from .legal import LEGAL_THREATS, LEGAL_THREATS_FROM_DEGREE, LEGAL_WARNINGS, LEGAL_WARNINGS_FROM_DEGREE
from .length import BODY_MAX_LENGTH, BODY_MIN_LENGTH, SUBJECT_MAX_LENGTH

__all__ = [
    "BODY_MAX_LENGTH",
    "BODY_MIN_LENGTH",
    "COMMON_CURRENCY_CODES",
    "CURRENCY_SYMBOLS",
    "DOLLAR_CURRENCIES",
    "LEGAL_THREATS",
    "LEGAL_THREATS_FROM_DEGREE",
    "LEGAL_WARNINGS",
    "LEGAL_WARNINGS_FROM_DEGREE",
    "SUBJECT_MAX_LENGTH",
    "LedgerCheck",
    "ledger_check",
]
