"""Back-office CSV import/export: one organization's rows only, and no live formulas in exported files."""

import pytest
import tablib

from accounts.models import Account, Contact
from accounts.resources import AccountResource, ContactResource
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.resources import InvoiceResource
from invoices.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def test_export_neutralises_formulas_but_keeps_credit_amounts(organization, other_organization):
    account = AccountFactory(organization=organization, account_name='=HYPERLINK("http://evil.example","Pay")')
    ContactFactory(account=account, first_name="@SUM(A1:A9)", email="ap@x.example")
    InvoiceFactory(account=account, invoice_no="-CM-7", invoice_amount="-120.00")
    AccountFactory(organization=other_organization, account_name="Not ours")

    accounts_csv = AccountResource(organization=organization).export().csv
    assert "'=HYPERLINK" in accounts_csv
    assert "Not ours" not in accounts_csv
    assert "'@SUM(A1:A9)" in ContactResource(organization=organization).export().csv
    invoices_csv = InvoiceResource(organization=organization).export().csv
    assert "'-CM-7" in invoices_csv and ",-120.00," in invoices_csv


def test_import_creates_rows_in_the_importing_organization_only(organization, other_organization):
    AccountFactory(organization=other_organization, client_id="C-1", account_name="Theirs")
    data = tablib.Dataset(headers=["client_id", "account_name", "currency", "escalation_paused"])
    data.append(["C-1", "Ours now", "USD", "0"])
    result = AccountResource(organization=organization).import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Account.objects.get(organization=organization, client_id="C-1").account_name == "Ours now"
    assert Account.objects.get(organization=other_organization, client_id="C-1").account_name == "Theirs"


def test_contact_import_cannot_reach_another_organizations_account(organization, other_organization):
    AccountFactory(organization=other_organization, client_id="X-9")
    data = tablib.Dataset(headers=["client_id", "first_name", "last_name", "email", "phone", "is_billing"])
    data.append(["X-9", "Spy", "", "spy@evil.example", "", "1"])
    result = ContactResource(organization=organization).import_data(data, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Contact.objects.filter(email="spy@evil.example").exists()


def test_admin_export_page_is_scoped(client_for, ar_admin, organization):
    response = client_for(ar_admin).get("/admin/accounts/account/export/")
    assert response.status_code == 200
