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

    itself = api.post(url, {"into": account.pk})
    assert itself.status_code == 409 and "into itself" in itself.json()["error"]["message"]
    assert api.post(url, {"into": theirs.pk}).json()["error"]["code"] == "invalid"
    assert Account.objects.count() == 2


def test_accounts_carry_their_current_aging_from_the_latest_snapshots(api_client_for, viewer, organization):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from invoices.tests.factories import InvoiceAgingSnapshotFactory

    owing = AccountFactory(organization=organization, account_name="Owing")
    old = InvoiceFactory(account=owing, total_outstanding=Decimal("300.00"))
    InvoiceAgingSnapshotFactory(invoice=old, snapshot_date=datetime.date(2025, 1, 31), days_0_30=Decimal("0"),
                                days_31_60=Decimal("300.00"))  # fmt: skip
    InvoiceAgingSnapshotFactory(invoice=old, snapshot_date=datetime.date(2025, 2, 28), days_0_30=Decimal("0"),
                                days_61_90=Decimal("300.00"))  # fmt: skip
    new = InvoiceFactory(account=owing, total_outstanding=Decimal("50.00"))
    InvoiceAgingSnapshotFactory(invoice=new, snapshot_date=datetime.date(2025, 2, 28), days_0_30=Decimal("50.00"))
    paid = InvoiceFactory(account=owing, closed_at=timezone.now())
    InvoiceAgingSnapshotFactory(invoice=paid, snapshot_date=datetime.date(2025, 1, 31))
    AccountFactory(organization=organization, account_name="Quiet")
    api = api_client_for(viewer)

    listed = {row["account_name"]: row["aging"] for row in api.get(reverse("api:account-list")).json()["results"]}
    single = api.get(reverse("api:account-detail", args=[owing.pk])).json()["aging"]

    assert listed["Owing"] == single == {
        "as_of": "2025-02-28", "days_0_30": "50.00", "days_31_60": "0.00", "days_61_90": "300.00",
        "days_91_120": "0.00", "days_over_120": "0.00", "total": "350.00",
    }  # fmt: skip
    assert listed["Quiet"]["total"] == "0.00" and listed["Quiet"]["as_of"] is None


def test_a_client_id_merged_away_twice_leads_to_the_latest_account_not_a_500(api_client_for, collector, organization):
    """Found by schemathesis on a live server: the second merge wrote the alias again and broke its unique key."""
    api = api_client_for(collector)
    first, second = AccountFactory(organization=organization), AccountFactory(organization=organization)
    assert api.post(reverse("api:account-merge", args=[AccountFactory(organization=organization, client_id="X").pk]),
                    {"into": first.pk}).status_code == 200  # fmt: skip
    again = AccountFactory(organization=organization, client_id="X")  # the client ID is given to a new account

    response = api.post(reverse("api:account-merge", args=[again.pk]), {"into": second.pk})

    assert response.status_code == 200, response.content
    assert AccountAlias.objects.get(client_id="X").account == second


def test_patching_a_contact_to_another_contacts_email_is_a_409(api_client_for, collector, organization):
    account = AccountFactory(organization=organization)
    ContactFactory(account=account, email="ap@acme.example")
    other = ContactFactory(account=account, email="dana@acme.example")

    response = api_client_for(collector).patch(
        reverse("api:contact-detail", args=[other.pk]), {"email": "ap@acme.example"}
    )

    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
