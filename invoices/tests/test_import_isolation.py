"""An import touches only the uploading organization's ledger."""

import pytest
from django.urls import reverse

from invoices.models import Invoice
from invoices.tests.import_helpers import FEBRUARY, MARCH, import_file

pytestmark = pytest.mark.django_db


def test_same_invoice_numbers_in_two_organizations_stay_apart(organization, other_organization):
    import_file(other_organization, FEBRUARY)
    import_file(organization, FEBRUARY)
    import_file(organization, MARCH)  # closes INV-1 for us only
    theirs = Invoice.objects.filter(organization=other_organization)
    assert theirs.count() == 4 and not theirs.closed().exists()
    assert Invoice.objects.get(organization=organization, invoice_no="INV-1").closed_at is not None


def test_another_organizations_import_is_a_404(client_for, collector, other_organization):
    batch = import_file(other_organization, FEBRUARY, confirm=False)
    client = client_for(collector)
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-confirm", args=[batch.pk])).status_code == 404
    assert "aging.csv" not in client.get(reverse("import-list")).content.decode()
    assert not Invoice.objects.exists()
