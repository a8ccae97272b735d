"""The downloadable example of the canonical aging format (also documented in the README)."""

import csv
import io

from .importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

EXAMPLE_ROWS = [
    {
        "client_id": "C-1001", "account_name": "Northwind Traders", "contact_first_name": "Maria",
        "contact_last_name": "Anders", "contact_email": "maria.anders@northwind.example",
        "contact_phone": "+1 206 555 0101", "invoice_no": "INV-24017", "invoice_date": "2024-09-12",
        "due_date": "2024-10-12", "invoice_amount": "4820.00", "total_outstanding": "4820.00",
        "days_0_30": "0.00", "days_31_60": "0.00", "days_61_90": "0.00", "days_91_120": "0.00",
        "days_over_120": "4820.00", "snapshot_date": "2025-02-28", "currency": "USD",
    },
    {
        "client_id": "C-1005", "account_name": "Kestrel Logistics LLC", "contact_first_name": "Jun",
        "contact_last_name": "Park", "contact_email": "finance@kestrel.example", "contact_phone": "",
        "invoice_no": "CM-0031", "invoice_date": "2025-01-20", "due_date": "2025-01-20",
        "invoice_amount": "-450.00", "total_outstanding": "-450.00", "days_0_30": "-450.00", "days_31_60": "0.00",
        "days_61_90": "0.00", "days_91_120": "0.00", "days_over_120": "0.00", "snapshot_date": "2025-02-28",
        "currency": "USD",
    },
]  # fmt: skip
COLUMNS = [*REQUIRED_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c not in ("parent_name", "document_type"))]


def canonical_template_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()
