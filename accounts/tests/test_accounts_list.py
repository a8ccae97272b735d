"""The accounts list: search, filters, sorting and a CSV of exactly the current view."""

import csv
import io

import pytest
from django.urls import reverse

from escalation.tests.ledger import owing_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(organization):
    owing_account(organization, days_overdue=100, name="Old Debts Ltd", amount="900.00", email="ap@old.example")
    owing_account(organization, days_overdue=10, name="Big Balance Inc", amount="5000.00", email="ap@big.example")
    paused = owing_account(organization, days_overdue=40, name='=HYPERLINK("x") Paused', escalation_paused=True)
    paused.invoices.update(is_disputed=True)
    return organization


def _names(response):
    return [a.account_name for a in response.context["page"].object_list]


def test_sorting_by_outstanding_and_by_oldest(client_for, collector, ledger):
    client = client_for(collector)
    assert _names(client.get(reverse("account-list"), {"sort": "outstanding"}))[0] == "Big Balance Inc"
    assert _names(client.get(reverse("account-list"), {"sort": "oldest"}))[0] == "Old Debts Ltd"


def test_filters(client_for, collector, ledger):
    client = client_for(collector)
    assert len(_names(client.get(reverse("account-list"), {"paused": "yes"}))) == 1
    assert len(_names(client.get(reverse("account-list"), {"disputed": "no"}))) == 2
    assert _names(client.get(reverse("account-list"), {"q": "ap@big.example"})) == ["Big Balance Inc"]


def test_csv_export_is_the_current_view_with_formulas_neutralised(client_for, collector, ledger):
    response = client_for(collector).get(reverse("account-list"), {"paused": "yes", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["client_id", "account_name"]
    assert len(rows) == 2
    assert rows[1][1].startswith("'=HYPERLINK")
    assert rows[1][4] == "1000.00"


def test_degree_filter(client_for, collector, ledger, organization):
    from escalation.tests.ledger import owing_account as owing

    owing(organization, days_overdue=-1000, name="Not Yet Due", email="ap@later.example")  # due years from now
    client = client_for(collector)
    # The ledger helper dates its invoices in 2025, so by today the owing accounts are 120+ days overdue.
    degree_5 = _names(client.get(reverse("account-list"), {"degree": "5"}))
    degree_0 = _names(client.get(reverse("account-list"), {"degree": "0"}))
    # The paused account's invoices are all disputed: it is skipped, but at the degree its age gives it.
    assert sorted(degree_5) == ['=HYPERLINK("x") Paused', "Big Balance Inc", "Old Debts Ltd"]
    assert "Not Yet Due" in degree_0
