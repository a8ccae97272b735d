"""Real accounting exports go in as they are, and the contact list fills in the billing emails."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from accounts.models import Account, Contact
from invoices.models import ImportBatch, Invoice, InvoiceAgingSnapshot

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def _upload(client, name, kind="aging"):
    upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")
    client.post(reverse("import-upload"), {"file": upload, "kind": kind, "is_complete_report": "on"})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.PREVIEWED, (batch.failure, batch.issues[:3])
    client.post(reverse("import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMPLETED
    return batch


def test_quickbooks_detail_then_contact_list(client_for, collector, organization):
    client = client_for(collector)
    aging = _upload(client, "quickbooks_aging_detail.csv")
    assert aging.format == "quickbooks_aging_detail" and str(aging.as_of) == "2025-03-31"
    # The import reproduces the report's own TOTAL row.
    open_total = Invoice.objects.filter(organization=organization).aggregate(total=Sum("total_outstanding"))["total"]
    assert open_total == Decimal("18381.15")
    buckets = InvoiceAgingSnapshot.objects.aggregate(*(Sum(b) for b in InvoiceAgingSnapshot.BUCKET_FIELDS))
    assert sum(buckets.values()) == Decimal("18381.15")
    # Sub-customers are accounts of their own, linked to their parent.
    phase2 = Account.objects.get(organization=organization, client_id="Maple Ridge HOA:Phase 2")
    assert phase2.parent.client_id == "Maple Ridge HOA"
    assert aging.preview["accounts_without_billing_email"]["count"] >= 4  # aging reports carry no emails

    contacts = _upload(client, "qbo_customer_contact_list.csv", kind="contacts")
    assert contacts.result["contacts"]["new"] >= 5
    brookside = Contact.objects.get(account__client_id="Brookside Dental Group")
    assert (brookside.email, brookside.is_billing) == ("billing@brooksidedental.example", True)
    # Two emails in one cell: both kept, the first is the billing contact.
    cafe = Contact.objects.filter(account__client_id="Café Olé Bistro").order_by("-is_billing", "email")
    assert [(c.email, c.is_billing) for c in cafe] == [
        ("owner@cafeole.example", True),
        ("books@cafeole.example", False),
    ]

    # Re-importing the contact list changes nothing (the same rows in another file: the identical one is not read).
    again = SimpleUploadedFile("again.csv", (FIXTURES / "qbo_customer_contact_list.csv").read_bytes() + b"\r\n")
    client.post(reverse("import-upload"), {"file": again, "kind": "contacts", "is_complete_report": "on"})
    repeat = ImportBatch.objects.latest("pk")
    assert repeat.preview["contacts"]["new"] == 0 and repeat.preview["contacts"]["changed"] == 0


@pytest.mark.parametrize(
    "name",
    [
        "xero_aged_receivables_detail.csv",
        "netsuite_aging_detail.csv",
        "sage_aged_debtors_detail_cp1252.csv",
    ],
)
def test_each_system_imports_and_matches_its_own_totals(client_for, collector, organization, name):
    batch = _upload(client_for(collector), name)
    imported = InvoiceAgingSnapshot.objects.filter(import_batch=batch)
    bucket_sum = sum(imported.aggregate(*(Sum(b) for b in InvoiceAgingSnapshot.BUCKET_FIELDS)).values())
    assert str(bucket_sum.quantize(Decimal("0.01"))) == batch.preview["bucket_totals"]["total_outstanding"]
    assert imported.count() == batch.rows_read > 0


@pytest.mark.parametrize(
    "name", ["qbo_aging_summary.csv", "xero_aged_receivables_summary.csv", "netsuite_aging_summary.csv"]
)
def test_summary_reports_are_refused_naming_the_detail_report(client_for, collector, name):
    upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes())
    client_for(collector).post(reverse("import-upload"), {"file": upload, "kind": "aging"})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert "Detail" in batch.failure or "Detailed" in batch.failure
    assert not Invoice.objects.exists()
