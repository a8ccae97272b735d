"""The collector's pages: the dashboard's figures, and the actions on an account that change who is due."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation.degree import Skip, accounts_due
from escalation.tests.ledger import active_templates, owing_account
from invoices.tests.import_helpers import FEBRUARY, MARCH, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    day = datetime.date(2025, 4, 2)
    for module in ("escalation.workspace_views", "escalation.services", "accounts.views"):
        monkeypatch.setattr(f"{module}.timezone.localdate", lambda: day)
    return day


def test_dashboard_shows_the_latest_totals_and_the_change(client_for, collector, organization, today):
    import_file(organization, FEBRUARY)
    import_file(organization, MARCH)
    page = client_for(collector).get(reverse("home"))
    summary = page.context["summary"]
    assert summary["latest"]["date"] == datetime.date(2025, 3, 31)
    assert summary["latest"]["total"] == Decimal("1990.75")  # 1250.50 + 810.00 - 450.00 + 380.25
    assert summary["change"]["total"] == Decimal("1990.75") - Decimal("7430.50")
    assert len(summary["chart"]["bars"]) == 2
    html = page.content.decode()
    assert "<svg" in html and "Outstanding as of Mar 31, 2025" in html and "1,990.75" in html


def test_dashboard_with_no_data_says_what_to_do(client_for, collector):
    assert "Upload your first aging report" in client_for(collector).get(reverse("home")).content.decode()


def test_a_promise_to_pay_keeps_the_account_out_of_the_run_until_its_date(client_for, collector, organization, today):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind")
    client = client_for(collector)
    client.post(reverse("account-promise", args=[account.pk]),
                {"promised_date": (today + datetime.timedelta(days=7)).isoformat(), "amount": "500.00"})  # fmt: skip
    report = accounts_due(organization=organization, on_date=today)
    assert [s.reason for s in report.skipped] == [f"{Skip.PROMISED} by Apr 9, 2025"]
    later = accounts_due(organization=organization, on_date=today + datetime.timedelta(days=8))
    assert [d.account_name for d in later.due] == ["Northwind"]  # unpaid after the date: escalation resumes


def test_a_promise_in_the_past_is_refused(client_for, collector, organization, today):
    account = owing_account(organization, days_overdue=45, name="Northwind")
    response = client_for(collector).post(reverse("account-promise", args=[account.pk]),
                                          {"promised_date": "2025-01-01", "amount": "10"}, follow=True)  # fmt: skip
    assert "from today on" in response.content.decode()
    assert not account.promises.exists()


def test_disputing_on_the_account_page_takes_it_out_of_the_run(client_for, collector, organization, today):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind")
    invoice = account.invoices.get()
    client_for(collector).post(reverse("invoice-dispute", args=[invoice.pk]), {"disputed": "1"})
    report = accounts_due(organization=organization, on_date=today)
    assert [s.reason for s in report.skipped] == [Skip.ALL_DISPUTED]


def test_pause_suppress_and_billing_contact_from_the_account_page(client_for, collector, organization, today):
    account = owing_account(organization, days_overdue=45, name="Northwind")
    other = account.contacts.create(first_name="Lee", email="lee@northwind.example")
    client = client_for(collector)
    client.post(reverse("account-pause", args=[account.pk]), {"paused": "1"})
    client.post(reverse("contact-action", args=[other.pk]), {"action": "billing"})
    billing = account.contacts.get(is_billing=True)
    client.post(reverse("contact-action", args=[billing.pk]), {"action": "suppress", "reason": "Left the company"})
    account.refresh_from_db()
    billing.refresh_from_db()
    assert account.escalation_paused and billing.email == "lee@northwind.example"
    assert billing.suppressed_at is not None and billing.suppression_reason == "Left the company"
    client.post(reverse("contact-action", args=[billing.pk]), {"action": "lift"})
    billing.refresh_from_db()
    assert billing.suppressed_at is None


def test_the_timeline_tells_the_accounts_story(client_for, collector, organization, today,
                                               django_capture_on_commit_callbacks):  # fmt: skip
    active_templates(organization)
    import_file(organization, MARCH)
    from accounts.models import Account

    account = Account.objects.get(client_id="C-2")  # Blue Heron: INV-3 overdue since December
    client = client_for(collector)
    client.post(reverse("account-note", args=[account.pk]), {"text": "Called: cheque in the post."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account-email-now", args=[account.pk]))
    timeline = client.get(reverse("account-detail", args=[account.pk])).context["timeline"]
    kinds = [entry["kind"] for entry in timeline]
    assert "note" in kinds and "import" in kinds and "draft.generated" in kinds and "note.added" not in kinds
    assert kinds.index("draft.generated") < kinds.index("note") < kinds.index("import")  # newest first


def test_another_organizations_account_cannot_be_worked_on(client_for, collector, other_organization):
    theirs = owing_account(other_organization, days_overdue=45, name="Theirs")
    client = client_for(collector)
    assert client.post(reverse("account-pause", args=[theirs.pk]), {"paused": "1"}).status_code == 404
    assert client.post(reverse("account-note", args=[theirs.pk]), {"text": "x"}).status_code == 404
    assert (
        client.post(reverse("invoice-dispute", args=[theirs.invoices.get().pk]), {"disputed": "1"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert not theirs.escalation_paused


def test_viewer_sees_but_cannot_act(client_for, viewer, organization):
    account = owing_account(organization, days_overdue=45, name="Northwind")
    client = client_for(viewer)
    page = client.get(reverse("account-detail", args=[account.pk])).content.decode()
    assert "Pause escalation" not in page and "Add a note" not in page
    assert client.post(reverse("account-pause", args=[account.pk]), {"paused": "1"}).status_code == 403


@pytest.mark.parametrize("route", ["home", "account-list", "account-detail"])
def test_page_queries_do_not_grow_with_the_ledger(client_for, collector, organization, today, route):
    active_templates(organization)
    first = owing_account(organization, days_overdue=45, name="A0", email="a0@x.example")
    client = client_for(collector)
    url = reverse(route, args=[first.pk]) if route == "account-detail" else reverse(route)
    client.get(url)  # warm: default policy and settings exist from here on
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(1, 15):
        account = owing_account(organization, days_overdue=30 + n, name=f"A{n}", email=f"a{n}@x.example")
        if n % 3 == 0:
            account.notes.create(organization=organization, text="note")
    first.notes.create(organization=organization, text="more history")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) <= len(small.captured_queries) + 1, [q["sql"] for q in large.captured_queries]
