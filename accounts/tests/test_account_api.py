"""Accounts and contacts through the API: what the account page does, an integration can do."""

from django.urls import reverse

from accounts.models import Account, AccountAlias
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.tests.factories import InvoiceFactory


def test_a_contact_is_suppressed_and_allowed_again(api_client_for, collector, organization):
    contact = ContactFactory(account=AccountFactory(organization=organization), email="ap@acme.example")
    api = api_client_for(collector)

    suppressed = api.post(reverse("api:contact-suppress", args=[contact.pk]), {"reason": "Asked us to stop"})
    assert suppressed.status_code == 200
    assert suppressed.json()["suppressed_at"] and suppressed.json()["suppression_reason"] == "Asked us to stop"

    lifted = api.post(reverse("api:contact-unsuppress", args=[contact.pk]))
    assert lifted.status_code == 200 and lifted.json()["suppressed_at"] is None


def test_a_viewer_cannot_suppress(api_client_for, viewer, organization):
    contact = ContactFactory(account=AccountFactory(organization=organization))
    assert api_client_for(viewer).post(reverse("api:contact-suppress", args=[contact.pk])).status_code == 403


def test_two_accounts_of_one_customer_are_merged(api_client_for, collector, organization):
    stays = AccountFactory(organization=organization, client_id="C-1")
    goes = AccountFactory(organization=organization, client_id="C-1-OLD")
    InvoiceFactory(account=goes, invoice_no="OLD-1")

    response = api_client_for(collector).post(reverse("api:account-merge", args=[goes.pk]), {"into": stays.pk})

    assert response.status_code == 200 and response.json()["id"] == stays.pk
    assert not Account.objects.filter(pk=goes.pk).exists()
    assert stays.invoices.get().invoice_no == "OLD-1"
    assert AccountAlias.objects.get(client_id="C-1-OLD").account == stays


def test_an_account_is_not_merged_into_itself_or_another_organizations(
    api_client_for, collector, organization, other_organization
):
    account = AccountFactory(organization=organization)
    theirs = AccountFactory(organization=other_organization)
    api = api_client_for(collector)
    url = reverse("api:account-merge", args=[account.pk])

    assert api.post(url, {"into": account.pk}).json()["error"]["details"]["into"]
    assert api.post(url, {"into": theirs.pk}).json()["error"]["code"] == "invalid"
    assert Account.objects.count() == 2
