"""Messages and figures that match the state: warnings when nothing was selected, money with its currency and never
added across currencies, dates in the organization's locale, no cost shown for a draft that cost nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import AccountFactory
from escalation.models import EmailDraft
from escalation.tests.ledger import TODAY, active_templates, owing_account
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory
from invoices.tests.import_helpers import FEBRUARY, MARCH, import_file

pytestmark = pytest.mark.django_db
MARCH_31 = datetime.date(2025, 3, 31)


def _messages(response):
    return [(m.level_tag, m.message) for m in response.context["messages"]]


def test_approving_with_nothing_ticked_is_a_warning_not_a_success(client_for, collector):
    response = client_for(collector).post(reverse("drafts-approve"), {}, follow=True)
    assert _messages(response) == [("warning", "No draft was ticked: tick the drafts to approve first.")]


def test_dashboard_totals_have_their_currency_and_one_row_per_currency(client_for, collector, organization):
    import_file(organization, FEBRUARY)
    import_file(organization, MARCH)
    euro = AccountFactory(organization=organization, account_name="Euro GmbH", currency="EUR")
    invoice = InvoiceFactory(account=euro, invoice_amount=Decimal("300.00"), total_outstanding=Decimal("300.00"),
                             last_snapshot_date=MARCH_31)  # fmt: skip
    InvoiceAgingSnapshotFactory(invoice=invoice, snapshot_date=MARCH_31, days_0_30=Decimal("300.00"))
    page = client_for(collector).get(reverse("home"))
    rows = {row["currency"]: row for row in page.context["summary"]["by_currency"]}
    assert rows["USD"]["now"]["total"] == Decimal("1990.75") and rows["EUR"]["now"]["total"] == Decimal("300.00")
    assert rows["USD"]["change"]["total"] == Decimal("1990.75") - Decimal("7430.50")
    html = page.content.decode()
    assert "Now, USD" in html and "<strong>$1,990.75</strong>" in html and "<strong>€300.00</strong>" in html
    assert "not added up" in html
    assert 'aria-label="Legend"' in html and "120+ days</li>" in html


def test_most_overdue_says_the_days_once(client_for, collector, organization, monkeypatch):
    monkeypatch.setattr("escalation.workspace_views.timezone.localdate", lambda: TODAY)
    active_templates(organization)
    owing_account(organization, days_overdue=75, name="Northwind", amount="250.00")
    html = client_for(collector).get(reverse("home")).content.decode()
    assert "Northwind</a>: 75 days, $250.00 – due an email</li>" in html
    assert "75 days overdue" not in html


def test_an_offline_draft_shows_no_cost(client_for, collector, organization, django_capture_on_commit_callbacks):
    from escalation.services import escalation_run_start

    active_templates(organization)
    owing_account(organization, days_overdue=45, name="Northwind")
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, actor=collector, on_date=TODAY)
    draft = EmailDraft.objects.get()
    assert draft.writer == EmailDraft.Writer.OFFLINE
    html = client_for(collector).get(reverse("draft-detail", args=[draft.pk])).content.decode()
    assert "Estimated cost" not in html and "0.000000" not in html
    EmailDraft.objects.filter(pk=draft.pk).update(writer=EmailDraft.Writer.CLAUDE, cost_usd=Decimal("0.012345"))
    html = client_for(collector).get(reverse("draft-detail", args=[draft.pk])).content.decode()
    assert "<dt>Estimated cost</dt><dd>$0.01</dd>" in html


def test_the_back_office_says_import_batches(client_for, superuser):
    html = client_for(superuser).get(reverse("admin:index")).content.decode()
    assert "Import batches" in html and "Import batchs" not in html
