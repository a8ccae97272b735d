"""A collector uploads an aging CSV, sees what it will change, confirms, and gets a report."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account, AuditEvent, Contact
from invoices.models import ImportBatch, Invoice, InvoiceAgingSnapshot
from invoices.tests.import_helpers import FEBRUARY, canonical_file

pytestmark = pytest.mark.django_db


def test_upload_shows_a_preview_and_writes_nothing_to_the_ledger(client_for, collector):
    client = client_for(collector)
    response = client.post(reverse("import-upload"), {"file": canonical_file(FEBRUARY), "kind": "aging",
                                                      "is_complete_report": "on"})  # fmt: skip
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import-detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.format, batch.as_of) == ("canonical", datetime.date(2025, 2, 28))
    assert not Account.objects.exists() and not Invoice.objects.exists()

    page = client.get(response["Location"]).content.decode()
    assert "What the import will change" in page
    assert batch.preview["accounts"] == {"new": 3, "changed": 0, "unchanged": 0}
    assert batch.preview["invoices"]["new"] == 4
    assert batch.preview["contacts"]["new"] == 2  # Maria once (email case differs), Blue Heron once
    assert batch.preview["bucket_totals"]["total_outstanding"] == "7430.50"
    assert batch.preview["accounts_without_billing_email"] == {"count": 1, "names": ["Kestrel Logistics"]}
    assert "Confirm and import" in page


def test_confirm_imports_everything_and_keeps_a_report(client_for, collector, organization):
    client = client_for(collector)
    client.post(reverse("import-upload"), {"file": canonical_file(FEBRUARY), "kind": "aging",
                                           "is_complete_report": "on"})  # fmt: skip
    batch = ImportBatch.objects.get()
    response = client.post(reverse("import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMPLETED
    assert batch.uploaded_by == collector and batch.size_bytes > 0 and len(batch.sha256) == 64
    assert batch.duration_ms is not None and batch.finished_at is not None

    assert Account.objects.filter(organization=organization).count() == 3
    maria = Contact.objects.get(email="maria@northwind.example")
    assert maria.is_billing and (maria.first_name, maria.last_name) == ("Maria", "Anders")
    credit = Invoice.objects.get(invoice_no="CM-1")
    assert credit.total_outstanding == Decimal("-450.00")
    part_paid = Invoice.objects.get(invoice_no="INV-3")
    assert (part_paid.invoice_amount, part_paid.total_outstanding) == (Decimal("2310.00"), Decimal("1810.00"))
    snapshot = InvoiceAgingSnapshot.objects.get(invoice=part_paid)
    assert snapshot.snapshot_date == datetime.date(2025, 2, 28) and snapshot.import_batch == batch
    assert snapshot.days_61_90 == Decimal("1810.00")  # due 2024-12-20, 70 days before the as-of date

    report = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "What the import changed" in report and "Confirm and import" not in report
    assert AuditEvent.objects.filter(action="import.completed", object_id=str(batch.pk)).exists()


def test_confirming_twice_imports_once(collector, organization):
    from invoices.import_services import import_batch_apply
    from invoices.tests.import_helpers import import_file

    batch = import_file(organization, FEBRUARY, user=collector)
    import_batch_apply(batch_id=batch.pk)  # a redelivered task
    assert InvoiceAgingSnapshot.objects.count() == 4
    assert AuditEvent.objects.filter(action="import.completed").count() == 1


def test_import_list_shows_past_imports(client_for, collector, organization):
    from invoices.tests.import_helpers import import_file

    import_file(organization, FEBRUARY, user=collector)
    page = client_for(collector).get(reverse("import-list")).content.decode()
    assert "aging.csv" in page and "Imported" in page


def test_template_csv_is_the_canonical_format_and_imports_cleanly(client_for, collector):
    client = client_for(collector)
    template = client.get(reverse("import-template"))
    assert template["Content-Type"].startswith("text/csv")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("template.csv", template.content, content_type="text/csv")
    client.post(reverse("import-upload"), {"file": upload, "kind": "aging", "is_complete_report": "on"})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.issues or batch.failure


def test_viewer_cannot_upload(client_for, viewer):
    client = client_for(viewer)
    assert client.get(reverse("import-upload")).status_code == 403
    assert client.get(reverse("import-list")).status_code == 200
