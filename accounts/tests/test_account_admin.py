"""AR staff keep accounts and contacts in the back office; every change goes through the services."""

import pytest
from django.urls import reverse

from accounts.models import Account, AuditEvent
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.tests.factories import InvoiceAgingSnapshotFactory

pytestmark = pytest.mark.django_db


def _inline_management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_ar_admin_adds_an_account_with_a_billing_contact(client_for, ar_admin, organization):
    form = {
        "client_id": "C-2001",
        "account_name": "Juniper Street Bakery",
        "currency": "EUR",
        **_inline_management("contacts", 1, 0),
        "contacts-0-first_name": "Ellen",
        "contacts-0-email": "Ellen@Juniper.EXAMPLE",
        "contacts-0-is_billing": "on",
        **_inline_management("invoices", 0, 0),
    }
    response = client_for(ar_admin).post(reverse("admin:accounts_account_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    account = Account.objects.get(client_id="C-2001")
    assert account.organization == organization
    contact = account.contacts.get()
    assert (contact.email, contact.is_billing) == ("ellen@juniper.example", True)
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"account.created", "contact.created"}


def test_marking_a_second_billing_contact_in_the_admin_replaces_the_first(client_for, ar_admin, organization):
    account = AccountFactory(organization=organization)
    first = ContactFactory(account=account, is_billing=True, email="a@x.example")
    second = ContactFactory(account=account, is_billing=False, email="b@x.example")
    form = {
        "account_name": account.account_name,
        "currency": "USD",
        **_inline_management("contacts", 2, 2),
        "contacts-0-id": first.pk,
        "contacts-0-account": account.pk,
        "contacts-0-email": "a@x.example",
        "contacts-1-id": second.pk,
        "contacts-1-account": account.pk,
        "contacts-1-email": "b@x.example",
        "contacts-1-is_billing": "on",
        **_inline_management("invoices", 0, 0),
    }
    response = client_for(ar_admin).post(reverse("admin:accounts_account_change", args=[account.pk]), form)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_billing, second.is_billing) == (False, True)


def test_invoice_page_shows_its_aging_history_read_only(client_for, collector, organization):
    snapshot = InvoiceAgingSnapshotFactory(invoice__account__organization=organization)
    page = client_for(collector).get(reverse("admin:invoices_invoice_change", args=[snapshot.invoice_id]))
    assert page.status_code == 200
    inline = page.context["inline_admin_formsets"][0]
    assert inline.formset.model.__name__ == "InvoiceAgingSnapshot"
    assert not inline.has_change_permission and not inline.has_add_permission and not inline.has_delete_permission
    assert "2025-02-28" in page.content.decode() or "Feb. 28, 2025" in page.content.decode()


def test_snapshots_cannot_be_changed_through_the_admin(client_for, ar_admin, organization):
    snapshot = InvoiceAgingSnapshotFactory(invoice__account__organization=organization)
    client = client_for(ar_admin)
    assert client.get(reverse("admin:invoices_invoiceagingsnapshot_add")).status_code == 403
    assert client.get(reverse("admin:invoices_invoiceagingsnapshot_delete", args=[snapshot.pk])).status_code == 403
    # The change page is a read-only view.
    page = client.get(reverse("admin:invoices_invoiceagingsnapshot_change", args=[snapshot.pk]))
    assert page.status_code == 200 and b'name="days_0_30"' not in page.content
