"""The accounts list: search, filters, sorting and a CSV of exactly the current view."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation.tests.ledger import owing_account
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

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


def _snapshot(invoice, on: str, **buckets):
    """A later report's line for ``invoice``: only the given buckets hold money."""
    amounts = {"days_0_30": Decimal(0), **buckets}
    InvoiceAgingSnapshotFactory(invoice=invoice, snapshot_date=datetime.date.fromisoformat(on), **amounts)


def test_bucket_filter_reads_each_open_invoices_latest_snapshot(client_for, collector, ledger, organization):
    aged = owing_account(organization, days_overdue=-1000, name="Aged Since", email="ap@aged.example")
    _snapshot(aged.invoices.get(), "2025-03-31", days_over_120=Decimal("1000.00"))  # later: moved on to 120+
    paid = owing_account(organization, days_overdue=100, name="Paid Up", email="ap@paid.example")
    paid.invoices.update(closed_at=timezone.now())
    partial = owing_account(organization, days_overdue=100, name="Partly Reported", email="ap@partly.example")
    newer = InvoiceFactory(account=partial, invoice_no="PR-2")
    _snapshot(newer, "2025-03-31", days_0_30=Decimal("50.00"))  # a later report that left the old invoice out
    client = client_for(collector)

    in_91_120 = client.get(reverse("account-list"), {"bucket": "days_91_120"})
    assert _names(in_91_120) == ["Old Debts Ltd", "Partly Reported"]
    assert _names(client.get(reverse("account-list"), {"bucket": "days_over_120"})) == ["Aged Since"]
    assert len(_names(client.get(reverse("account-list"), {"bucket": "not-a-bucket"}))) == 6


def test_bucket_filter_combines_with_the_other_filters_and_the_csv(client_for, collector, ledger):
    client = client_for(collector)
    assert _names(client.get(reverse("account-list"), {"bucket": "days_31_60", "paused": "yes"})) == [
        '=HYPERLINK("x") Paused'
    ]
    assert _names(client.get(reverse("account-list"), {"bucket": "days_31_60", "paused": "no"})) == []
    assert _names(client.get(reverse("account-list"), {"bucket": "days_0_30", "q": "big"})) == ["Big Balance Inc"]

    response = client.get(reverse("account-list"), {"bucket": "days_91_120", "sort": "outstanding", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[1] for row in rows[1:]] == ["Old Debts Ltd"]
    page = client.get(reverse("account-list"), {"bucket": "days_91_120"}).content.decode()
    assert "bucket=days_91_120&amp;format=csv" in page  # the download link keeps the filter
