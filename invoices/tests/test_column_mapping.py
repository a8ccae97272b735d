"""A file with headers nobody recognises can be mapped by hand once; the mapping is remembered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.models import ImportBatch, ImportProfile, Invoice

pytestmark = pytest.mark.django_db

ODD_FILE = (
    b"Cust Code,Customer,Doc,Doc Date,Original,Open,B1,B2,B3,B4,B5,As At\r\n"
    b"K-1,Kestrel Logistics,D-100,2025-01-20,500.00,500.00,500.00,0,0,0,0,2025-02-28\r\n"
    b"K-2,Saltmarsh Cafe,D-101,2024-10-01,90.00,90.00,0,0,0,90.00,0,2025-02-28\r\n"
)
MAPPING = {
    "client_id": "Cust Code", "account_name": "Customer", "invoice_no": "Doc", "invoice_date": "Doc Date",
    "invoice_amount": "Original", "total_outstanding": "Open", "days_0_30": "B1", "days_31_60": "B2",
    "days_61_90": "B3", "days_91_120": "B4", "days_over_120": "B5", "snapshot_date": "As At",
}  # fmt: skip


def _upload(client, name="odd.csv"):
    client.post(reverse("import-upload"), {"file": SimpleUploadedFile(name, ODD_FILE), "kind": "aging",
                                           "is_complete_report": "on"})  # fmt: skip
    return ImportBatch.objects.latest("pk")


def test_unknown_headers_ask_for_a_mapping_then_import(client_for, collector):
    client = client_for(collector)
    batch = _upload(client)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    assert batch.headers[:3] == ["Cust Code", "Customer", "Doc"]
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "Which column is which?" in page

    client.post(reverse("import-mapping", args=[batch.pk]), MAPPING)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.issues or batch.failure
    assert batch.preview["invoices"]["new"] == 2
    client.post(reverse("import-confirm", args=[batch.pk]))
    assert Invoice.objects.count() == 2


def test_the_saved_mapping_is_used_for_the_next_file_with_the_same_header(client_for, collector):
    client = client_for(collector)
    first = _upload(client)
    client.post(reverse("import-mapping", args=[first.pk]), MAPPING)
    assert ImportProfile.objects.count() == 1
    second = _upload(client, name="odd-next-month.csv")
    assert second.status == ImportBatch.Status.PREVIEWED
    assert second.column_mapping["client_id"] == "Cust Code"


def test_a_mapping_missing_a_required_column_is_refused(client_for, collector):
    client = client_for(collector)
    batch = _upload(client)
    incomplete = {k: v for k, v in MAPPING.items() if k != "invoice_no"}
    response = client.post(reverse("import-mapping", args=[batch.pk]), incomplete)
    assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
