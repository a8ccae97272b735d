"""What each role may do, as a user of the back office and the API would notice it."""

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.factories import AccountFactory, UserFactory
from invoices.tests.factories import InvoiceFactory
from templates_app.tests.factories import template_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(organization):
    return AccountFactory(organization=organization, account_name="Northwind Traders")


def test_viewer_can_read_but_not_change(client_for, api_client_for, viewer, account):
    client = client_for(viewer)
    assert client.get(reverse("admin:accounts_account_changelist")).status_code == 200
    assert client.get(reverse("account-detail", args=[account.pk])).status_code == 200
    url = reverse("admin:accounts_account_change", args=[account.pk])
    client.post(url, {"account_name": "Renamed", "currency": "USD", "escalation_paused": "on"})
    account.refresh_from_db()
    assert account.account_name == "Northwind Traders"

    api = api_client_for(viewer)
    assert api.get(reverse("api:account-list")).status_code == 200
    assert api.patch(reverse("api:account-detail", args=[account.pk]), {"escalation_paused": True}).status_code == 403


def test_collector_can_pause_an_account_and_dispute_an_invoice(client_for, api_client_for, collector, account):
    invoice = InvoiceFactory(account=account)
    response = api_client_for(collector).patch(
        reverse("api:account-detail", args=[account.pk]), {"escalation_paused": True}, format="json"
    )
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.escalation_paused

    client = client_for(collector)
    client.post(
        reverse("admin:invoices_invoice_changelist"),
        {"action": "mark_disputed", "_selected_action": [invoice.pk]},
    )
    invoice.refresh_from_db()
    assert invoice.is_disputed


def test_collector_cannot_write_templates(api_client_for, collector):
    response = api_client_for(collector).post(
        reverse("api:template-list"), {"identifier": "friendly", "data": template_data()}, format="json"
    )
    assert response.status_code == 403


def test_ar_admin_writes_and_activates_template_versions_through_the_api(api_client_for, ar_admin):
    api = api_client_for(ar_admin)
    first = api.post(reverse("api:template-list"), {"identifier": "friendly", "data": template_data()}, format="json")
    assert first.status_code == 201, first.content
    second = api.post(
        reverse("api:template-list"), {"identifier": "friendly", "data": template_data(tone="warm")}, format="json"
    )
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    activated = api.post(reverse("api:template-activate", args=[second.json()["id"]]))
    assert activated.status_code == 200 and activated.json()["is_active"]


def test_invalid_template_data_is_a_400_naming_the_problem(api_client_for, ar_admin):
    response = api_client_for(ar_admin).post(
        reverse("api:template-list"), {"identifier": "friendly", "data": {"subject": "Hi"}}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"].startswith("data: ")
    assert "'tone' must be a string" in str(error["details"]["data"])


def test_a_user_without_an_organization_sees_nothing(client_for, api_client_for, account):
    stranger = UserFactory()
    assert client_for(stranger).get(reverse("admin:index")).status_code == 302
    assert api_client_for(stranger).get(reverse("api:account-list")).status_code == 403
    assert client_for(stranger).get(reverse("account-list")).context["page"].paginator.count == 0


def test_organizations_and_memberships_are_only_for_superusers(client_for, ar_admin, superuser):
    assert client_for(ar_admin).get(reverse("admin:accounts_organization_changelist")).status_code == 403
    assert client_for(superuser).get(reverse("admin:accounts_organization_changelist")).status_code == 200


def test_api_duplicate_client_id_is_a_409_conflict_not_a_500(api_client_for, ar_admin, account):
    response = api_client_for(ar_admin).post(
        reverse("api:account-list"), {"client_id": account.client_id, "account_name": "Again"}, format="json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Account.objects.filter(client_id=account.client_id).count() == 1
