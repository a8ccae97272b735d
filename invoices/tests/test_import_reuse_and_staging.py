"""The preview is reused by the import only while it is still true; staged rows lost to a crash stop the import."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.import_services import import_batch_confirm
from invoices.models import ImportBatch, Invoice, StagedInvoiceRow
from invoices.tests.factories import InvoiceFactory
from invoices.tests.import_helpers import FEBRUARY, MARCH, import_file

pytestmark = pytest.mark.django_db


def _plans(queries) -> int:
    # The plan's count of invoices a complete report would close.
    return sum("COUNT(*) FROM invoices_invoice i" in q["sql"] and "NOT EXISTS" in q["sql"] for q in queries)


def test_an_unchanged_ledger_reuses_the_preview(organization):
    import_file(organization, FEBRUARY)
    batch = import_file(organization, MARCH, confirm=False)
    with CaptureQueriesContext(connection) as queries:
        batch = import_batch_confirm(batch=batch)
    assert batch.status == ImportBatch.Status.COMPLETED
    assert _plans(queries.captured_queries) == 0
    assert batch.result["invoices"] == {"new": 1, "changed": 1, "unchanged": 2, "reopened": 0, "to_close": 1}
    assert "ledger_state" not in batch.result


def test_a_ledger_changed_since_the_preview_is_planned_again(organization):
    import_file(organization, FEBRUARY)
    batch = import_file(organization, MARCH, confirm=False)
    assert batch.preview["invoices"]["to_close"] == 1
    # Entered by hand between preview and confirm: open, and not in March's complete report.
    InvoiceFactory(account=Invoice.objects.get(invoice_no="INV-2").account, invoice_no="BY-HAND-1")
    batch = import_batch_confirm(batch=batch)
    assert batch.result["invoices"]["to_close"] == 2  # what the import really did
    assert Invoice.objects.get(invoice_no="BY-HAND-1").closed_at is not None


def test_staged_rows_lost_to_a_crash_fail_the_import_instead_of_closing_everything(organization):
    import_file(organization, FEBRUARY)
    batch = import_file(organization, MARCH, confirm=False)
    StagedInvoiceRow.objects.filter(batch=batch).delete()  # as a crash empties the UNLOGGED staging table
    with pytest.raises(Exception, match="no longer staged"):
        import_batch_confirm(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "upload the file again" in batch.failure
    assert not Invoice.objects.closed().exists()
