"""One organization can never read or change another's data: not in the back office, the pages or the API."""

import pytest
from django.urls import reverse

from accounts.models import Account, Contact
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.models import Invoice
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory
from templates_app.tests.factories import EmailTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_organization):
    """A full set of another organization's rows."""
    account = AccountFactory(organization=other_organization, account_name="Secret Customer Ltd", client_id="X-1")
    contact = ContactFactory(account=account, email="secret@customer.example", is_billing=True)
    invoice = InvoiceFactory(account=account, invoice_no="THEIR-1")
    snapshot = InvoiceAgingSnapshotFactory(invoice=invoice)
    template = EmailTemplateFactory(organization=other_organization, identifier="their-template")
    return {"account": account, "contact": contact, "invoice": invoice, "snapshot": snapshot, "template": template}


@pytest.fixture
def mine(organization):
    account = AccountFactory(organization=organization, account_name="Our Customer Inc", client_id="X-1")
    ContactFactory(account=account, is_billing=True)
    InvoiceAgingSnapshotFactory(invoice=InvoiceFactory(account=account, invoice_no="OURS-1"))
    EmailTemplateFactory(organization=organization, identifier="our-template")
    return account


ADMIN_MODELS = [
    ("accounts", "account", "account"),
    ("accounts", "contact", "contact"),
    ("invoices", "invoice", "invoice"),
    ("invoices", "invoiceagingsnapshot", "snapshot"),
    ("templates_app", "emailtemplate", "template"),
]


@pytest.mark.parametrize("app, model, key", ADMIN_MODELS)
def test_admin_lists_and_pages_hide_other_organizations_rows(client_for, ar_admin, theirs, mine, app, model, key):
    client = client_for(ar_admin)
    changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].full_result_count == 1  # our own row, and only it
    assert str(theirs[key]) not in changelist.content.decode()

    change = client.get(reverse(f"admin:{app}_{model}_change", args=[theirs[key].pk]))
    # The admin answers "doesn't exist" (a redirect to its index) instead of showing the row.
    assert change.status_code == 302
    assert str(theirs[key]) not in client.get(change.url).content.decode()


def test_admin_cannot_change_another_organizations_account(client_for, ar_admin, theirs):
    client = client_for(ar_admin)
    url = reverse("admin:accounts_account_change", args=[theirs["account"].pk])
    client.post(url, {"account_name": "Hacked", "currency": "USD"})
    theirs["account"].refresh_from_db()
    assert theirs["account"].account_name == "Secret Customer Ltd"


def test_admin_account_search_does_not_reach_other_organizations(client_for, ar_admin, theirs, mine):
    response = client_for(ar_admin).get(reverse("admin:accounts_account_changelist"), {"q": "THEIR-1"})
    assert "Secret Customer" not in response.content.decode()


def test_admin_contact_form_offers_only_own_accounts(client_for, ar_admin, theirs, mine):
    response = client_for(ar_admin).get(reverse("admin:accounts_contact_add"))
    choices = response.context["adminform"].form.fields["account"].queryset
    assert list(choices) == [mine]
    assert "Secret Customer" not in response.content.decode()


def test_pages_show_only_own_accounts(client_for, collector, theirs, mine):
    client = client_for(collector)
    listing = client.get(reverse("account-list")).content.decode()
    assert "Our Customer Inc" in listing
    assert "Secret Customer" not in listing
    assert client.get(reverse("account-list"), {"q": "secret@customer.example"}).context["page"].paginator.count == 0
    assert client.get(reverse("account-detail", args=[theirs["account"].pk])).status_code == 404


API_ENDPOINTS = [
    ("account-detail", "account"),
    ("contact-detail", "contact"),
    ("invoice-detail", "invoice"),
    ("snapshot-detail", "snapshot"),
    ("template-detail", "template"),
]


@pytest.mark.parametrize("route, key", API_ENDPOINTS)
def test_api_answers_404_for_every_object_of_another_organization(api_client_for, ar_admin, theirs, route, key):
    api = api_client_for(ar_admin)
    assert api.get(reverse(f"api:{route}", args=[theirs[key].pk])).status_code == 404
    list_route = route.replace("-detail", "-list")
    ids = [row["id"] for row in api.get(reverse(f"api:{list_route}")).json()["results"]]
    assert theirs[key].pk not in ids


def test_api_cannot_change_another_organizations_rows(api_client_for, ar_admin, theirs):
    api = api_client_for(ar_admin)
    response = api.patch(reverse("api:account-detail", args=[theirs["account"].pk]), {"account_name": "Hacked"})
    assert response.status_code == 404
    response = api.patch(reverse("api:contact-detail", args=[theirs["contact"].pk]), {"email": "me@evil.example"})
    assert response.status_code == 404
    response = api.post(reverse("api:template-activate", args=[theirs["template"].pk]))
    assert response.status_code == 404
    theirs["account"].refresh_from_db()
    theirs["contact"].refresh_from_db()
    assert theirs["account"].account_name == "Secret Customer Ltd"
    assert theirs["contact"].email == "secret@customer.example"


def test_api_cannot_attach_a_contact_to_another_organizations_account(api_client_for, ar_admin, theirs):
    response = api_client_for(ar_admin).post(
        reverse("api:contact-list"), {"account": theirs["account"].pk, "email": "spy@evil.example"}, format="json"
    )
    assert response.status_code == 400
    assert "account" in response.json()["error"]["details"]
    assert not Contact.objects.filter(email="spy@evil.example").exists()


def test_api_creates_rows_in_the_callers_organization(api_client_for, ar_admin, organization, other_organization):
    response = api_client_for(ar_admin).post(
        reverse("api:account-list"), {"client_id": "NEW-1", "account_name": "New Customer"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Account.objects.get(client_id="NEW-1").organization == organization


def test_superuser_sees_every_organization(client_for, superuser, theirs, mine):
    listing = client_for(superuser).get(reverse("admin:invoices_invoice_changelist")).content.decode()
    assert "THEIR-1" in listing and "OURS-1" in listing
    assert Invoice.objects.count() == 2


def test_filtering_by_another_organizations_row_looks_like_filtering_by_a_missing_one(
    api_client_for, collector, theirs
):
    api = api_client_for(collector)

    theirs_answer = api.get(reverse("api:invoice-list"), {"account": theirs["account"].pk})
    missing_answer = api.get(reverse("api:invoice-list"), {"account": 987654})

    assert theirs_answer.status_code == missing_answer.status_code == 200
    assert theirs_answer.json()["results"] == missing_answer.json()["results"] == []
    snapshots = api.get(reverse("api:snapshot-list"), {"invoice": theirs["invoice"].pk})
    assert snapshots.status_code == 200 and snapshots.json()["results"] == []
