"""The rows every format is turned into, whatever system exported the file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..aging import BUCKETS

BUCKET_FIELDS: tuple[str, ...] = BUCKETS
AMOUNT_FIELDS: tuple[str, ...] = ("invoice_amount", "total_outstanding", *BUCKET_FIELDS)

# The canonical CSV layout (also the target names of a hand-made ``column_mapping``).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "client_id",
    "account_name",
    "invoice_no",
    "invoice_date",
    "invoice_amount",
    "total_outstanding",
    *BUCKET_FIELDS,
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "due_date",
    "snapshot_date",
    "currency",
    "parent_name",
    "document_type",
)

# Document types whose amounts are legitimately negative (they reduce what the customer owes). Exported
# without a number, such a transaction is an unapplied credit/debit of the account, not an invoice.
SIGNED_DOCUMENT_TYPES = frozenset({"credit", "payment", "journal", "deposit", "discount", "refund"})
UNAPPLIED_LABELS = {"credit": "credit", "payment": "payment", "journal": "journal entry", "deposit": "deposit",
                    "discount": "discount", "refund": "refund"}  # fmt: skip


def unapplied_reference(
    client_id: str, document_type: str, invoice_date: date, amount: Decimal, occurrence: int
) -> str:
    """The stable reference of a transaction exported without a number.

    Made from what does not change from one month's report to the next (the customer, the kind, the date and the
    original amount; not the open balance, which shrinks as the payment is applied), plus its rank among identical
    ones in the file, so a re-import finds the same row again and two identical payments stay two.
    """
    key = f"{client_id}|{document_type}|{invoice_date.isoformat()}|{amount:.2f}|{occurrence}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    label = UNAPPLIED_LABELS.get(document_type, document_type or "transaction")
    return f"Unapplied {label} {invoice_date.isoformat()} #{digest}"


@dataclass(frozen=True, slots=True)
class CanonicalRow:
    """One open invoice (or credit, payment...) of an aging report."""

    line: int
    client_id: str
    account_name: str
    parent_name: str
    invoice_no: str
    invoice_date: date
    due_date: date | None
    invoice_amount: Decimal
    total_outstanding: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_91_120: Decimal
    days_over_120: Decimal
    currency: str
    contact_first_name: str = ""
    contact_last_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    snapshot_date: date | None = None
    document_type: str = ""
    # A payment, journal entry or credit the export lists without a number: not an invoice but an unapplied
    # credit (or debit) of the account, under a reference made from the row (see UnnumberedRows).
    unapplied: bool = False

    @property
    def buckets(self) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
        return (self.days_0_30, self.days_31_60, self.days_61_90, self.days_91_120, self.days_over_120)


# Every field positionally, in order: what the format parsers call to build a row.
new_row = CanonicalRow


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One customer of a contact list; ``client_id`` matches the ``client_id`` of the aging rows."""

    line: int
    client_id: str
    account_name: str
    first_name: str
    last_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]


def document_type_from(text: str) -> str:
    """Map a system's transaction type ("Credit Memo", "SC", "Invoice") to a short canonical word."""
    if not text:
        return ""
    t = " ".join(text.split()).lower()
    if not t:
        return ""
    if t in _SAGE_TYPES:
        return _SAGE_TYPES[t]
    for needle, kind in _TYPE_WORDS:
        if needle in t:
            return kind
    return t.replace(" ", "_")


# Sage 50 two-letter transaction codes.
_SAGE_TYPES = {
    "si": "invoice",
    "sc": "credit",
    "sr": "payment",
    "sa": "payment",
    "sd": "discount",
    "jd": "journal",
    "jc": "journal",
}
# Order matters: "credit memo" before "memo"-ish words, "refund" before "payment" ("payment refund").
_TYPE_WORDS = (
    ("credit", "credit"),
    ("refund", "refund"),
    ("invoice", "invoice"),
    ("payment", "payment"),
    ("journal", "journal"),
    ("deposit", "deposit"),
    ("discount", "discount"),
)
