"""The database itself refuses accounts and contacts that break the ledger's rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, Contact
from accounts.services import account_create, contact_create, contact_update
from accounts.tests.factories import AccountFactory, ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_client_id_is_unique_within_an_organization():
    account = AccountFactory(client_id="C-1001")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(client_id="C-1001", organization=account.organization)


def test_two_organizations_can_use_the_same_client_id():
    AccountFactory(client_id="C-1001")
    AccountFactory(client_id="C-1001")
    assert Account.objects.filter(client_id="C-1001").count() == 2


def test_database_rejects_a_currency_that_is_not_three_capital_letters():
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(currency="usd")


def test_service_rejects_a_currency_outside_iso_4217():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError, match="ISO 4217"):
        account_create(organization=organization, client_id="C-1", account_name="Northwind", currency="XYZ")


def test_new_account_takes_the_organization_currency():
    organization = OrganizationFactory(default_currency="GBP")
    account = account_create(organization=organization, client_id="ABB001", account_name="Abbey Fields School")
    assert account.currency == "GBP"


def test_database_allows_only_one_billing_contact_per_account():
    billing = ContactFactory(is_billing=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(account=billing.account, is_billing=True)
    ContactFactory(account=billing.account, is_billing=False)  # others are fine
    assert billing.account.contacts.count() == 2


def test_naming_a_new_billing_contact_replaces_the_old_one():
    old = ContactFactory(is_billing=True)
    new = contact_create(account=old.account, email="ap@northwind.example", is_billing=True)
    old.refresh_from_db()
    assert (old.is_billing, new.is_billing) == (False, True)

    contact_update(contact=old, is_billing=True)
    new.refresh_from_db()
    assert Contact.objects.get(account=old.account, is_billing=True) == old
    assert not new.is_billing


def test_contact_email_is_stored_lower_case():
    contact = ContactFactory(email="  Maria.Anders@Northwind.EXAMPLE ")
    contact.refresh_from_db()
    assert contact.email == "maria.anders@northwind.example"


def test_database_rejects_a_mixed_case_email_written_around_the_model():
    contact = ContactFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(email="Maria@Northwind.example")


def test_contact_email_must_be_valid():
    account = AccountFactory()
    with pytest.raises(ValidationError, match="email"):
        contact_create(account=account, email="not-an-address")
    assert not account.contacts.exists()


def test_same_email_twice_on_one_account_is_refused():
    contact = ContactFactory(email="ap@northwind.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(account=contact.account, email="ap@northwind.example")
