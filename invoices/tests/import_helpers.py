"""Builders of small canonical aging files for the import tests."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.aging import aging_buckets
from invoices.import_services import import_batch_confirm, import_batch_create

HEADER = (
    "client_id,account_name,contact_first_name,contact_last_name,contact_email,contact_phone,invoice_no,"
    "invoice_date,due_date,invoice_amount,total_outstanding,days_0_30,days_31_60,days_61_90,days_91_120,"
    "days_over_120,snapshot_date,currency"
)


def canonical_row(client_id, name, email, invoice_no, invoice_date, amount, as_of, *, outstanding=None, first="",
                  last="", due_days=30):  # fmt: skip
    invoice_date = datetime.date.fromisoformat(invoice_date)
    due = invoice_date + datetime.timedelta(days=due_days)
    outstanding = Decimal(outstanding if outstanding is not None else amount)
    buckets = aging_buckets(outstanding=outstanding, due_date=due, as_of=datetime.date.fromisoformat(as_of))
    return ",".join(
        [client_id, name, first, last, email, "", invoice_no, invoice_date.isoformat(), due.isoformat(), amount,
         str(outstanding), *(str(v) for v in buckets.values()), as_of, "USD"]
    )  # fmt: skip


def canonical_file(rows: list[str], name: str = "aging.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([HEADER, *rows]) + "\r\n").encode(), content_type="text/csv")


FEBRUARY = [
    canonical_row("C-1", "Northwind Traders", "Maria@Northwind.example", "INV-1", "2024-09-12", "4820.00",
                  "2025-02-28", first="Maria", last="Anders"),
    canonical_row("C-1", "Northwind Traders", "maria@northwind.example", "INV-2", "2025-01-06", "1250.50",
                  "2025-02-28", first="Maria", last="Anders"),
    canonical_row("C-2", "Blue Heron Dental", "billing@blueheron.example", "INV-3", "2024-11-20", "2310.00",
                  "2025-02-28", outstanding="1810.00"),
    canonical_row("C-3", "Kestrel Logistics", "", "CM-1", "2025-01-20", "-450.00", "2025-02-28", due_days=0),
]  # fmt: skip
# A month later: INV-1 was paid, INV-3 part-paid, INV-4 is new.
MARCH = [
    canonical_row("C-1", "Northwind Traders", "maria@northwind.example", "INV-2", "2025-01-06", "1250.50",
                  "2025-03-31"),
    canonical_row("C-2", "Blue Heron Dental", "billing@blueheron.example", "INV-3", "2024-11-20", "2310.00",
                  "2025-03-31", outstanding="810.00"),
    canonical_row("C-3", "Kestrel Logistics", "", "CM-1", "2025-01-20", "-450.00", "2025-03-31", due_days=0),
    canonical_row("C-4", "Saltmarsh Cafe", "ellen@saltmarsh.example", "INV-4", "2025-03-10", "380.25",
                  "2025-03-31"),
]  # fmt: skip


def import_file(organization, rows, *, user=None, confirm=True, **options):
    batch = import_batch_create(
        organization=organization, uploaded_by=user, file=canonical_file(rows), file_name="aging.csv", **options
    )
    if confirm and batch.can_confirm:
        batch = import_batch_confirm(batch=batch, actor=user)
    return batch
