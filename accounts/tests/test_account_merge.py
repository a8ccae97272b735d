"""Two accounts that turn out to be one customer are merged, and later imports follow the merge."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account, AccountAlias, AuditEvent, Contact
from accounts.services import account_merge
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.models import Invoice
from invoices.tests.factories import InvoiceFactory
from invoices.tests.import_helpers import canonical_row, import_file

pytestmark = pytest.mark.django_db


def test_merge_moves_invoices_and_contacts_and_leaves_an_alias(organization, collector):
    target = AccountFactory(organization=organization, client_id="ABB001", account_name="Abbey Fields School")
    source = AccountFactory(organization=organization, client_id="Abbey Fields", account_name="Abbey Fields")
    ContactFactory(account=target, email="bursar@abbey.example", is_billing=True)
    ContactFactory(account=source, email="bursar@abbey.example", is_billing=True)  # the same person
    ContactFactory(account=source, email="head@abbey.example", is_billing=False)
    InvoiceFactory(account=source, invoice_no="7781")

    account_merge(source=source, target=target, actor=collector)

    assert not Account.objects.filter(pk=source.pk).exists()
    assert Invoice.objects.get(invoice_no="7781").account == target
    assert sorted(target.contacts.values_list("email", "is_billing")) == [
        ("bursar@abbey.example", True),
        ("head@abbey.example", False),
    ]
    assert AccountAlias.objects.get(client_id="Abbey Fields").account == target
    event = AuditEvent.objects.get(action="account.merged")
    assert event.payload["merged_client_id"] == "Abbey Fields" and event.actor == collector


def test_next_import_of_the_old_client_id_lands_on_the_merged_account(organization):
    target = AccountFactory(organization=organization, client_id="C-1", account_name="Northwind Traders")
    source = AccountFactory(organization=organization, client_id="Northwind", account_name="Northwind")
    account_merge(source=source, target=target)
    row = canonical_row("Northwind", "Northwind", "ap@northwind.example", "INV-9", "2025-01-10", "99.00", "2025-02-28")
    batch = import_file(organization, [row])
    assert batch.result["accounts"] == {"new": 0, "changed": 0, "unchanged": 1}
    assert Account.objects.filter(organization=organization).count() == 1
    assert Invoice.objects.get(invoice_no="INV-9").account == target
    assert Contact.objects.get(email="ap@northwind.example").account == target
    target.refresh_from_db()
    assert target.account_name == "Northwind Traders"


def test_merge_across_organizations_or_into_itself_is_refused(organization, other_organization):
    ours = AccountFactory(organization=organization)
    theirs = AccountFactory(organization=other_organization)
    with pytest.raises(ValidationError):
        account_merge(source=theirs, target=ours)
    with pytest.raises(ValidationError):
        account_merge(source=ours, target=ours)


def test_collector_merges_from_the_account_page(client_for, collector, organization):
    target = AccountFactory(organization=organization, client_id="C-1")
    source = AccountFactory(organization=organization, client_id="C-1-dup")
    client = client_for(collector)
    page = client.get(reverse("account-detail", args=[source.pk])).content.decode()
    assert "Merge into another account" in page
    response = client.post(reverse("account-merge", args=[source.pk]), {"target": target.client_id})
    assert response.status_code == 302 and response["Location"] == reverse("account-detail", args=[target.pk])
    assert not Account.objects.filter(pk=source.pk).exists()


def test_viewer_cannot_merge_and_nobody_can_merge_into_another_organization(
    client_for, viewer, collector, organization, other_organization
):
    source = AccountFactory(organization=organization)
    theirs = AccountFactory(organization=other_organization)
    url = reverse("account-merge", args=[source.pk])
    assert client_for(viewer).post(url, {"target": theirs.client_id}).status_code == 403
    response = client_for(collector).post(url, {"target": theirs.client_id})
    assert response.status_code == 200 and "No other account has the client ID" in response.content.decode()
    assert Account.objects.filter(pk=source.pk).exists()
