"""The ledger check, kept at its old import path: the checks themselves live in ``escalation.writing.checks``."""

from escalation.writing.checks import (  # noqa: F401 - re-exported for the code that imports them from here
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    COMMON_CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    DOLLAR_CURRENCIES,
    LEGAL_THREATS,
    LEGAL_THREATS_FROM_DEGREE,
    LEGAL_WARNINGS,
    LEGAL_WARNINGS_FROM_DEGREE,
    SUBJECT_MAX_LENGTH,
    LedgerCheck,
    ledger_check,
)
