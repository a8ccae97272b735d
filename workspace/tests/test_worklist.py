"""Today's worklist: the order a collector works in, its filters, its bulk actions, and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account
from escalation.models import EmailDraft, PromiseToPay
from escalation.tests.ledger import AS_OF, TODAY, active_templates, owing_account
from templates_app.models import EmailTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    for module in ("workspace.views", "escalation.services"):
        monkeypatch.setattr(f"{module}.timezone.localdate", lambda: TODAY)
    return TODAY


@pytest.fixture
def ledger(organization, today):
    active_templates(organization)
    accounts = {
        "Small": owing_account(organization, days_overdue=40, amount="200.00", name="Small"),
        "Big": owing_account(organization, days_overdue=20, amount="9000.00", name="Big"),
        "Old": owing_account(organization, days_overdue=100, amount="200.00", name="Old"),
        "Promised": owing_account(organization, days_overdue=50, amount="500.00", name="Promised"),
        "Broke": owing_account(organization, days_overdue=35, amount="100.00", name="Broke"),
        "Disputed": owing_account(organization, days_overdue=60, amount="700.00", name="Disputed", disputed=True),
        "Paused": owing_account(organization, days_overdue=60, amount="800.00", name="Paused", escalation_paused=True),
        "Current": owing_account(organization, days_overdue=-5, amount="300.00", name="Current"),
    }
    PromiseToPay.objects.create(organization=organization, account=accounts["Promised"], amount=Decimal("500"),
                                promised_date=today + datetime.timedelta(days=5))  # fmt: skip
    PromiseToPay.objects.create(organization=organization, account=accounts["Broke"], amount=Decimal("100"),
                                promised_date=today - datetime.timedelta(days=2))  # fmt: skip
    return accounts


def names(items):
    return [item.account_name for item in items]


def test_broken_promises_come_first_then_the_largest_and_oldest(client_for, collector, ledger):
    page = client_for(collector).get(reverse("worklist"))
    assert page.status_code == 200
    assert names(page.context["page"].object_list) == ["Broke", "Big", "Old", "Small"]
    # Held back on purpose, apart; nothing overdue ("Current"): not on the list at all.
    assert sorted(names(page.context["held_page"].object_list)) == ["Disputed", "Paused", "Promised"]
    html = page.content.decode()
    assert "Broken</strong> (was due Mar 1, 2025)" in html
    assert "Promised to pay by Mar 8, 2025" in html  # the organization's locale, not ISO
    assert "Never emailed" in html and "Draft the level 1 email" in html


def test_an_email_sent_after_the_promise_date_takes_it_off_the_top(client_for, collector, organization, ledger):
    from accounts.models import Contact

    broke = ledger["Broke"]
    EmailDraft.objects.create(
        organization=organization, account=broke, snapshot_date=AS_OF, degree=1,
        template=EmailTemplate.objects.filter(organization=organization, is_active=True).first(),
        contact=Contact.objects.get(account=broke), recipient_email="ap@customer.example",
        status=EmailDraft.Status.SENT, sent_at=datetime.datetime(2025, 3, 2, 9, tzinfo=datetime.UTC),
    )  # fmt: skip
    page = client_for(collector).get(reverse("worklist"))
    rows = page.context["page"].object_list
    assert names(rows)[0] == "Big"
    broke_row = next(item for item in rows if item.account_name == "Broke")
    assert not broke_row.broken_promise and broke_row.last_contact is not None


def test_sorting_and_filtering(client_for, collector, ledger):
    client = client_for(collector)
    by_age = client.get(reverse("worklist"), {"sort": "age"}).context["page"].object_list
    assert names(by_age) == ["Old", "Small", "Broke", "Big"]
    by_name = client.get(reverse("worklist"), {"sort": "name"}).context["page"].object_list
    assert names(by_name) == ["Big", "Broke", "Old", "Small"]
    searched = client.get(reverse("worklist"), {"q": "sma"}).context["page"].object_list
    assert names(searched) == ["Small"]
    broken = client.get(reverse("worklist"), {"state": "broken"}).context["page"].object_list
    assert names(broken) == ["Broke"]
    bad = client.get(reverse("worklist"), {"sort": "nonsense"})  # an invalid choice: the default order, no error
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_pages_of_fifty(client_for, collector, organization, today):
    active_templates(organization)
    for n in range(53):
        owing_account(organization, days_overdue=40, amount=f"{100 + n}.00", name=f"Customer {n:02}")
    client = client_for(collector)
    first = client.get(reverse("worklist")).context["page"]
    assert len(first.object_list) == 50 and first.paginator.num_pages == 2
    second = client.get(reverse("worklist"), {"page": 2}).context["page"]
    assert names(second.object_list) == ["Customer 02", "Customer 01", "Customer 00"]


def test_the_query_count_does_not_grow_with_the_accounts(client_for, collector, organization, ledger,
                                                        django_assert_num_queries):  # fmt: skip
    client = client_for(collector)
    client.get(reverse("worklist"))  # warm the session and the permission cache
    # 27: the page's own queries, and the navigation's counts (drafts to review, replies waiting).
    with django_assert_num_queries(27):
        client.get(reverse("worklist"))
    for n in range(10):
        owing_account(organization, days_overdue=30 + n, name=f"More {n}")
    with django_assert_num_queries(27):
        client.get(reverse("worklist"))
    with django_assert_num_queries(28):  # the search narrows the accounts in one more query
        client.get(reverse("worklist"), {"q": "more"})


def test_bulk_draft_now_drafts_only_the_ticked_accounts(
    client_for, collector, ledger, django_capture_on_commit_callbacks
):
    client = client_for(collector)
    ticked = [ledger["Big"].pk, ledger["Old"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("worklist-bulk"), {"action": "draft", "account": ticked, "query": "sort=age"},
                               follow=True)  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse("worklist") + "?sort=age"
    assert set(EmailDraft.objects.values_list("account_id", flat=True)) == set(ticked)
    assert "2 emails drafted" in response.content.decode()


def test_bulk_pause_pauses_the_ticked_accounts(client_for, collector, ledger):
    response = client_for(collector).post(
        reverse("worklist-bulk"), {"action": "pause", "account": [ledger["Small"].pk]}, follow=True
    )
    assert "Escalation paused for 1 account." in response.content.decode()
    assert set(Account.objects.filter(escalation_paused=True).values_list("account_name", flat=True)) == {
        "Paused", "Small"
    }  # fmt: skip
    assert "Small" in names(response.context["held_page"].object_list)


def test_nothing_ticked_is_a_warning_and_changes_nothing(client_for, collector, ledger):
    for action in ("draft", "pause"):
        response = client_for(collector).post(reverse("worklist-bulk"), {"action": action}, follow=True)
        message = next(iter(response.context["messages"]))
        assert message.level_tag == "warning" and "No account was ticked" in message.message
    assert not EmailDraft.objects.exists()
    assert Account.objects.filter(escalation_paused=True).count() == 1


def test_another_organizations_accounts_cannot_be_paused(client_for, collector, other_organization, ledger):
    theirs = owing_account(other_organization, days_overdue=40, name="Theirs")
    client_for(collector).post(reverse("worklist-bulk"), {"action": "pause", "account": [theirs.pk]})
    theirs.refresh_from_db()
    assert not theirs.escalation_paused


def test_a_viewer_sees_the_list_without_the_bulk_actions(client_for, viewer, ledger):
    client = client_for(viewer)
    page = client.get(reverse("worklist"))
    assert page.status_code == 200 and "Draft now for the ticked" not in page.content.decode()
    assert client.post(reverse("worklist-bulk"), {"action": "pause", "account": [ledger["Big"].pk]}).status_code == 403


@pytest.mark.parametrize(("role", "lands_on"), [("collector", "worklist"), ("ar_admin", "home"), ("viewer", "home")])
def test_collectors_land_on_the_worklist_after_login(client, request, role, lands_on):
    from conftest import PASSWORD

    user = request.getfixturevalue(role)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(lands_on)
