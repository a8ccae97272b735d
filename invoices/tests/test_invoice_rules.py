"""Invoice numbers, money and organization ownership are enforced where the data lives."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import AccountFactory
from invoices.models import Invoice
from invoices.services import invoice_set_disputed
from invoices.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def test_invoice_number_is_unique_within_an_organization_even_across_accounts():
    invoice = InvoiceFactory(invoice_no="INV-24017")
    other_account = AccountFactory(organization=invoice.organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(invoice_no="INV-24017", account=other_account)


def test_two_organizations_can_use_the_same_invoice_number():
    InvoiceFactory(invoice_no="INV-1")
    InvoiceFactory(invoice_no="INV-1")
    assert Invoice.objects.filter(invoice_no="INV-1").count() == 2


def test_money_round_trips_exactly_as_decimal():
    invoice = InvoiceFactory(invoice_amount=Decimal("1999.99"), total_outstanding=Decimal("0.10") + Decimal("0.20"))
    invoice.refresh_from_db()
    assert invoice.invoice_amount == Decimal("1999.99")
    assert invoice.total_outstanding == Decimal("0.30")
    assert isinstance(invoice.total_outstanding, Decimal)


def test_credit_notes_are_negative_invoices():
    credit = InvoiceFactory(invoice_amount=Decimal("-450.00"))
    credit.refresh_from_db()
    assert credit.total_outstanding == Decimal("-450.00")


def test_database_rejects_a_due_date_before_the_invoice_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(invoice_date=datetime.date(2025, 2, 1), due_date=datetime.date(2025, 1, 1))


def test_invoice_takes_its_accounts_organization():
    account = AccountFactory()
    invoice = Invoice.objects.create(
        account=account,
        invoice_no="INV-9",
        invoice_date=datetime.date(2025, 1, 1),
        invoice_amount=Decimal("10.00"),
        total_outstanding=Decimal("10.00"),
    )
    assert invoice.organization == account.organization


def test_invoice_cannot_belong_to_an_account_of_another_organization():
    account = AccountFactory()
    other = AccountFactory()
    with pytest.raises(ValidationError, match="same organization"):
        InvoiceFactory(account=account, organization=other.organization)


def test_dispute_is_recorded_in_the_audit_trail(collector):
    invoice = InvoiceFactory()
    invoice_set_disputed(invoice=invoice, disputed=True, actor=collector, reason="Goods damaged")
    invoice_set_disputed(invoice=invoice, disputed=True, actor=collector)  # no change, no event
    invoice.refresh_from_db()
    assert invoice.is_disputed
    from accounts.models import AuditEvent

    events = list(AuditEvent.objects.filter(organization=invoice.organization).values_list("action", "actor"))
    assert events == [("invoice.disputed", collector.pk)]
