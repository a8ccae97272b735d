"""The summary at the top of an account's page: what it owes, how far escalation went, and what holds it back."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from escalation.models import PromiseToPay
from escalation.tests.ledger import AS_OF, TODAY, active_templates, owing_account
from invoices.aging import aging_buckets
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("accounts.views.timezone.localdate", lambda: TODAY)
    return TODAY


def _credit(account, amount="-150.00"):
    credit = InvoiceFactory(account=account, invoice_date=AS_OF, due_date=AS_OF, invoice_amount=Decimal(amount),
                            total_outstanding=Decimal(amount))  # fmt: skip
    InvoiceAgingSnapshotFactory(invoice=credit, snapshot_date=AS_OF,
                                **aging_buckets(outstanding=Decimal(amount), due_date=AS_OF, as_of=AS_OF))  # fmt: skip


def _summary(client, account):
    page = client.get(reverse("account-detail", args=[account.pk]))
    assert page.status_code == 200
    return page.context["summary"], page.content.decode()


def test_the_summary_says_what_is_owed_and_what_comes_next(client_for, collector, organization, today):
    active_templates(organization)
    account = owing_account(organization, days_overdue=100, amount="1000.00", name="Northwind")
    _credit(account)
    summary, html = _summary(client_for(collector), account)
    assert summary.balance == Decimal("850.00")
    assert summary.overdue == Decimal("850.00")  # the credit is taken off what the email asks for
    assert summary.degree == 4 and summary.email_degree == 1  # no skipped steps: the first email is level 1
    assert dict(summary.buckets)["91-120"] == Decimal("1000.00")
    assert summary.escalation == "Active" and not summary.held
    assert "Level 1 email at the next run (due now)" in html and "None sent yet" in html
    assert "$850.00" in html


def test_active_does_not_show_while_a_promise_holds_escalation(client_for, collector, organization, today):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind")
    PromiseToPay.objects.create(organization=organization, account=account, amount=Decimal("400"),
                                promised_date=datetime.date(2025, 3, 10))  # fmt: skip
    summary, html = _summary(client_for(collector), account)
    assert summary.held and summary.escalation == "Held: Promise to pay $400.00 until Mar 10, 2025"
    assert "<dt>Escalation</dt><dd>Active" not in html and 'class="held"' in html
    assert "None while held, after Mar 10, 2025" in html


def test_a_paused_account_says_so_with_every_other_hold(client_for, collector, organization, today):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind", disputed=True, escalation_paused=True)
    summary, _ = _summary(client_for(collector), account)
    assert summary.escalation == "Paused"
    assert summary.holds == ["Escalation is paused for this account", "Every open invoice is disputed"]
    assert summary.disputed_invoices == 1


def test_an_account_in_cooldown_says_when_the_next_email_goes(client_for, collector, organization, today):
    from escalation.models import EmailDraft
    from templates_app.models import EmailTemplate

    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind")
    EmailDraft.objects.create(organization=organization, account=account, snapshot_date=datetime.date(2025, 2, 1),
                              degree=1, template=EmailTemplate.objects.filter(organization=organization).first(),
                              contact=account.contacts.get(), recipient_email="ap@customer.example",
                              status=EmailDraft.Status.SENT,
                              sent_at=datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC))  # fmt: skip
    EmailDraft.objects.filter(account=account).update(created_at=datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC))
    summary, html = _summary(client_for(collector), account)
    assert summary.last_email is not None and "Level 1</a>, sent Mar 1, 2025" in html
    assert summary.next_email.startswith("Level 2 email on Mar ")
