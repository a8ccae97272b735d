"""Imports in plain words: a discarded import says Discarded, an import waiting for a mapping can be discarded (so the
navigation badge clears), counts have thousands separators."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from escalation.templatetags.localized import count
from invoices.models import ImportBatch
from invoices.tests.import_helpers import FEBRUARY, import_file

pytestmark = pytest.mark.django_db

ODD_FILE = b"Cust Code,Customer,Doc,Open\r\nK-1,Kestrel Logistics,D-100,500.00\r\n"


def test_an_import_waiting_for_a_mapping_can_be_discarded_and_says_so(client_for, collector):
    client = client_for(collector)
    client.post(reverse("import-upload"), {"file": SimpleUploadedFile("odd.csv", ODD_FILE), "kind": "aging",
                                           "is_complete_report": "on"})  # fmt: skip
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "<strong>Needs mapping</strong>" in page
    assert f'action="{reverse("import-discard", args=[batch.pk])}"' in page
    assert client.get(reverse("home")).context["nav_imports_waiting"] == 1
    response = client.post(reverse("import-discard", args=[batch.pk]), follow=True)
    assert [m.message for m in response.context["messages"]] == [
        f"Import #{batch.pk} (odd.csv) discarded: nothing was imported."
    ]
    assert "<td>Discarded</td>" in response.content.decode() and "Has errors" not in response.content.decode()
    assert not response.context["nav_imports_waiting"]


def test_a_discarded_preview_is_listed_as_discarded(client_for, collector, organization):
    batch = import_file(organization, FEBRUARY, confirm=False)
    client = client_for(collector)
    client.post(reverse("import-discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status_label == "Discarded"


def test_counts_have_thousands_separators():
    assert count(1535) == "1,535" and count(12) == "12" and count(None) == ""


def test_the_mapping_form_has_labels_and_required_marks(client_for, collector):
    client = client_for(collector)
    client.post(reverse("import-upload"), {"file": SimpleUploadedFile("odd.csv", ODD_FILE), "kind": "aging",
                                           "is_complete_report": "on"})  # fmt: skip
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("import-detail", args=[batch.pk]))
    form = page.context["mapping_form"]
    assert form["invoice_no"].label == "Invoice number" and form["invoice_no"].field.required
    html = page.content.decode()
    assert '<label for="id_days_0_30">0-30 days:</label> <span aria-hidden="true">*</span>' in html
    assert ">days_0_30<" not in html  # no raw field code as a label
