"""An import commits whole or not at all; bad files are refused with a precise reason and write nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from accounts.models import Account, Contact
from invoices.import_services import import_batch_confirm, import_batch_create
from invoices.importing import apply as apply_module
from invoices.models import ImportBatch, Invoice, InvoiceAgingSnapshot, StagedInvoiceRow
from invoices.tests.import_helpers import FEBRUARY, HEADER, canonical_file, canonical_row, import_file

pytestmark = pytest.mark.django_db


def _nothing_in_the_ledger():
    return not (Account.objects.exists() or Contact.objects.exists() or Invoice.objects.exists()
                or InvoiceAgingSnapshot.objects.exists())  # fmt: skip


def test_a_crash_in_the_middle_of_an_import_leaves_nothing_behind(organization, monkeypatch):
    batch = import_file(organization, FEBRUARY, confirm=False)
    real_execute = apply_module.execute
    calls = []

    def crash_on_snapshots(sql, params):
        calls.append(sql)
        if "invoices_invoiceagingsnapshot" in sql:
            raise DatabaseError("disk full")
        return real_execute(sql, params)

    monkeypatch.setattr(apply_module, "execute", crash_on_snapshots)
    with pytest.raises(DatabaseError):
        import_batch_confirm(batch=batch)
    assert len(calls) > 4  # accounts, contacts and invoices had been written before the crash
    assert _nothing_in_the_ledger()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "nothing was imported" in batch.failure


def _upload(organization, content: bytes, name="aging.csv", **options):
    return import_batch_create(
        organization=organization, uploaded_by=None, file=SimpleUploadedFile(name, content), file_name=name,
        **options,
    )  # fmt: skip


def test_rows_with_errors_reject_the_whole_file(organization):
    bad_date = canonical_row("C-9", "Bad Dates Ltd", "", "INV-9", "2025-01-01", "10.00", "2025-02-28").replace(
        "2025-01-01", "2025-13-01", 1
    )
    content = ("\r\n".join([HEADER, *FEBRUARY, bad_date]) + "\r\n").encode()
    batch = _upload(organization, content)
    assert batch.status == ImportBatch.Status.REJECTED
    assert not batch.can_confirm
    (error,) = [issue for issue in batch.issues if issue["severity"] == "error"]
    assert error["line"] == 6 and error["column"] == "invoice_date" and error["value"] == "2025-13-01"
    with pytest.raises(ValidationError, match="cannot be confirmed"):
        import_batch_confirm(batch=batch)
    assert _nothing_in_the_ledger()
    assert not StagedInvoiceRow.objects.exists()


def test_an_invoice_number_of_another_account_is_an_error(organization):
    import_file(organization, FEBRUARY)
    moved = canonical_row("C-2", "Blue Heron Dental", "", "INV-1", "2024-09-12", "4820.00", "2025-03-31")
    batch = import_file(organization, [moved], confirm=False, is_complete_report=False)
    assert batch.status == ImportBatch.Status.REJECTED
    (error,) = batch.issues
    assert error["line"] == 2 and "belongs to account 'C-1'" in error["message"]


def test_a_due_date_before_the_invoice_date_is_an_error(organization):
    row = canonical_row("C-1", "Northwind", "", "INV-1", "2025-01-10", "10.00", "2025-02-28", due_days=-5)
    batch = import_file(organization, [row], confirm=False)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.issues[0]["column"] == "due_date"


def test_missing_columns_are_named(organization):
    batch = _upload(organization, b"client_id,account_name,invoice_no\r\nC-1,Northwind,INV-1\r\n")
    assert batch.status in (ImportBatch.Status.REJECTED, ImportBatch.Status.NEEDS_MAPPING)
    if batch.status == ImportBatch.Status.REJECTED:
        assert "invoice_date" in batch.failure and "days_0_30" in batch.failure


def test_empty_and_oversized_files_are_refused_before_anything_is_stored(organization, settings):
    with pytest.raises(ValidationError, match="empty"):
        _upload(organization, b"")
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="limit is"):
        _upload(organization, canonical_file(FEBRUARY).read())
    assert not ImportBatch.objects.exists()


def test_binary_file_is_refused_with_the_file_name(organization):
    batch = _upload(organization, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), name="logo.png")
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.failure.startswith("logo.png:")


def test_a_file_without_an_as_of_date_asks_for_one(organization):
    rows = [row.rsplit(",", 2)[0] + ",,USD" for row in FEBRUARY]  # blank snapshot_date
    content = ("\r\n".join([HEADER, *rows]) + "\r\n").encode()
    batch = _upload(organization, content)
    assert batch.status == ImportBatch.Status.REJECTED and "as-of date" in batch.failure
    import datetime

    batch = _upload(organization, content, as_of=datetime.date(2025, 2, 28))
    assert batch.status == ImportBatch.Status.PREVIEWED
