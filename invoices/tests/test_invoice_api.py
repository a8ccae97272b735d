"""What an integration asks of the invoices list: cursor pages, filters and only the fields it needs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

URL = reverse("api:invoice-list")
ZERO = Decimal("0")


@pytest.fixture
def api(api_client_for, collector):
    return api_client_for(collector)


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["invoice_no"] for row in response.json()["results"]]


def test_cursor_pages_walk_every_invoice_once_even_when_an_import_adds_some(api, organization):
    account = AccountFactory(organization=organization)
    InvoiceFactory.create_batch(7, account=account)

    first = api.get(URL, {"page_size": 3}).json()
    InvoiceFactory(account=account, invoice_no="ARRIVED-DURING-PAGING")  # newest first: lands before the cursor
    seen = [row["invoice_no"] for row in first["results"]]
    next_url = first["next"]
    while next_url:
        page = api.get(next_url).json()
        seen += [row["invoice_no"] for row in page["results"]]
        next_url = page["next"]

    assert len(seen) == 7 == len(set(seen))  # nothing skipped, nothing twice
    assert "count" not in first and first["previous"] is None


def test_fields_keeps_the_list_light(api, organization):
    InvoiceFactory(account=AccountFactory(organization=organization), invoice_no="INV-1")

    rows = api.get(URL, {"fields": "id,invoice_no,total_outstanding"}).json()["results"]

    assert set(rows[0]) == {"id", "invoice_no", "total_outstanding"}


def test_an_unknown_field_is_named_in_the_error(api):
    error = api.get(URL, {"fields": "id,colour"}).json()["error"]
    assert error["code"] == "invalid" and "colour" in error["message"] and "invoice_no" in error["message"]


def test_filters_open_closed_disputed_dates_and_amounts(api, organization):
    account = AccountFactory(organization=organization)
    InvoiceFactory(account=account, invoice_no="OPEN-JAN", invoice_date=datetime.date(2025, 1, 10))
    InvoiceFactory(account=account, invoice_no="OPEN-MAR", invoice_date=datetime.date(2025, 3, 10),
                   invoice_amount=Decimal("99.00"))  # fmt: skip
    InvoiceFactory(account=account, invoice_no="CLOSED", closed_at=timezone.now())
    InvoiceFactory(account=account, invoice_no="DISPUTED", is_disputed=True)
    other = InvoiceFactory(account=AccountFactory(organization=organization), invoice_no="OTHER-ACCOUNT")

    assert "CLOSED" not in _numbers(api.get(URL, {"status": "open"}))
    assert _numbers(api.get(URL, {"status": "closed"})) == ["CLOSED"]
    assert _numbers(api.get(URL, {"is_disputed": "true"})) == ["DISPUTED"]
    assert _numbers(api.get(URL, {"invoice_date_after": "2025-03-01"})) == ["OPEN-MAR"]
    assert _numbers(api.get(URL, {"outstanding_max": "100"})) == ["OPEN-MAR"]
    assert _numbers(api.get(URL, {"account": other.account_id})) == ["OTHER-ACCOUNT"]


def test_the_bucket_filter_reads_each_invoices_latest_snapshot(api, organization):
    account = AccountFactory(organization=organization)
    aged = InvoiceFactory(account=account, invoice_no="NOW-OVER-120")
    InvoiceAgingSnapshotFactory(invoice=aged, snapshot_date=datetime.date(2025, 1, 31), days_0_30=ZERO,
                                days_91_120=aged.total_outstanding)  # fmt: skip
    InvoiceAgingSnapshotFactory(invoice=aged, snapshot_date=datetime.date(2025, 2, 28), days_0_30=ZERO,
                                days_over_120=aged.total_outstanding)  # fmt: skip
    fresh = InvoiceFactory(account=account, invoice_no="FRESH")
    InvoiceAgingSnapshotFactory(invoice=fresh, snapshot_date=datetime.date(2025, 2, 28))

    assert _numbers(api.get(URL, {"bucket": "days_over_120"})) == ["NOW-OVER-120"]
    assert _numbers(api.get(URL, {"bucket": "days_91_120"})) == []  # it was there last month, not now
    assert _numbers(api.get(URL, {"bucket": "days_0_30"})) == ["FRESH"]
    assert api.get(URL, {"bucket": "ancient"}).json()["error"]["code"] == "invalid"
