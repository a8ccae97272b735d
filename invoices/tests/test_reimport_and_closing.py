"""Re-importing changes nothing; a newer complete report closes what was paid; an older one only adds history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account, Contact
from invoices.import_services import import_batch_confirm
from invoices.models import ImportBatch, Invoice, InvoiceAgingSnapshot
from invoices.tests.import_helpers import FEBRUARY, MARCH, canonical_row, import_file

pytestmark = pytest.mark.django_db


def _ledger(organization):
    return {
        "accounts": list(Account.objects.filter(organization=organization).values_list("client_id", "account_name")),
        "contacts": list(Contact.objects.values_list("email", "is_billing", "updated_at").order_by("email")),
        "invoices": list(Invoice.objects.values_list("invoice_no", "total_outstanding", "closed_at", "updated_at")
                         .order_by("invoice_no")),
        "snapshots": InvoiceAgingSnapshot.objects.count(),
    }  # fmt: skip


def test_importing_the_same_file_twice_is_recognised_at_once_as_nothing_to_do(client_for, collector, organization):
    first = import_file(organization, FEBRUARY)
    before = _ledger(organization)
    second = import_file(organization, FEBRUARY, confirm=False)
    assert second.duplicate_of == first
    assert (second.status, second.result) == (ImportBatch.Status.COMPLETED, {"nothing_to_do": True,
                                                                             "duplicate_of": first.pk})  # fmt: skip
    assert second.file.name == first.file.name and second.rows_read == first.rows_read
    assert _ledger(organization) == before
    page = client_for(collector).get(reverse("import-detail", args=[second.pk])).content.decode()
    assert "Nothing to do: this very file" in page


def test_the_same_rows_in_another_file_are_read_and_change_nothing(organization):
    import_file(organization, FEBRUARY)
    before = _ledger(organization)
    second = import_file(organization, [*FEBRUARY, ""], confirm=False)  # another SHA-256, the same rows
    assert second.duplicate_of is None
    assert second.preview["accounts"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert second.preview["invoices"] == {"new": 0, "changed": 0, "unchanged": 4, "reopened": 0, "to_close": 0}
    assert second.preview["snapshots"] == {"new": 0, "already_imported": 4}
    import_batch_confirm(batch=second)
    assert _ledger(organization) == before


def test_next_months_report_closes_paid_invoices_and_adds_new_ones(organization):
    import_file(organization, FEBRUARY)
    march = import_file(organization, MARCH)
    assert march.result["invoices"] == {"new": 1, "changed": 1, "unchanged": 2, "reopened": 0, "to_close": 1}
    assert Invoice.objects.get(invoice_no="INV-1").closed_at is not None  # paid: not in March's report
    assert Invoice.objects.get(invoice_no="INV-3").total_outstanding == Decimal("810.00")
    assert Invoice.objects.open().count() == 4
    # History is kept: February's snapshot of the paid invoice is still there.
    assert InvoiceAgingSnapshot.objects.filter(invoice__invoice_no="INV-1").count() == 1
    assert InvoiceAgingSnapshot.objects.filter(snapshot_date=datetime.date(2025, 3, 31)).count() == 4


def test_partial_report_closes_nothing(organization):
    import_file(organization, FEBRUARY)
    import_file(organization, MARCH[:1], is_complete_report=False)
    assert not Invoice.objects.closed().exists()


def test_older_report_adds_history_without_closing_or_reopening(organization):
    import_file(organization, MARCH)
    january = [
        canonical_row("C-1", "Northwind Traders", "", "INV-1", "2024-09-12", "4820.00", "2025-01-31"),
        canonical_row("C-2", "Blue Heron Dental", "", "INV-3", "2024-11-20", "2310.00", "2025-01-31"),
    ]
    batch = import_file(organization, january)
    assert batch.preview["is_newest"] is False
    assert batch.result["invoices"]["to_close"] == 0
    assert Invoice.objects.get(invoice_no="INV-3").total_outstanding == Decimal("810.00")  # not rolled back
    assert Invoice.objects.get(invoice_no="INV-1").closed_at is not None  # only seen in the past: paid since
    assert Invoice.objects.filter(invoice_no__in=["INV-2", "INV-4", "CM-1"], closed_at__isnull=True).count() == 3
    assert InvoiceAgingSnapshot.objects.filter(snapshot_date=datetime.date(2025, 1, 31)).count() == 2


def test_a_paid_invoice_that_reappears_is_reopened(organization):
    import_file(organization, FEBRUARY)
    import_file(organization, MARCH)
    april = [canonical_row("C-1", "Northwind Traders", "", "INV-1", "2024-09-12", "4820.00", "2025-04-30")]
    batch = import_file(organization, april, is_complete_report=False)
    assert batch.result["invoices"]["reopened"] == 1
    assert Invoice.objects.get(invoice_no="INV-1").closed_at is None


def test_renamed_customer_keeps_its_account(organization):
    import_file(organization, FEBRUARY)
    renamed = [canonical_row("C-2", "Blue Heron Dental Group", "", "INV-3", "2024-11-20", "2310.00", "2025-03-31")]
    batch = import_file(organization, renamed, is_complete_report=False)
    assert batch.result["accounts"] == {"new": 0, "changed": 1, "unchanged": 0}
    assert Account.objects.get(client_id="C-2").account_name == "Blue Heron Dental Group"


def test_existing_billing_contact_is_kept(organization):
    import_file(organization, FEBRUARY)
    other = [canonical_row("C-1", "Northwind Traders", "ap@northwind.example", "INV-2", "2025-01-06", "1250.50",
                           "2025-03-31")]  # fmt: skip
    import_file(organization, other, is_complete_report=False)
    billing = Contact.objects.get(account__client_id="C-1", is_billing=True)
    assert billing.email == "maria@northwind.example"
    assert Contact.objects.filter(account__client_id="C-1").count() == 2
