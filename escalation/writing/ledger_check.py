"""The ledger check, kept at its old import path: the checks themselves live in ``escalation.writing.checks``."""

from escalation.writing.checks import (  # noqa: F401 - re-exported for the code that imports them from here
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    CLAIMS,
    COMMON_CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    DOLLAR_CURRENCIES,
    SUBJECT_MAX_LENGTH,
    CustomerNames,
    LedgerCheck,
    claims_prompt_lines,
    ledger_check,
)
