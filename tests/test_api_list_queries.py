"""No N+1 in the API: every list endpoint answers a page of 1 and a page of many rows with the same number of
SQL queries, so a 500-row page costs what a 1-row page does."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import MembershipFactory
from escalation.services import escalation_run_start, note_add, promise_record
from escalation.tests.ledger import TODAY, active_templates, owing_account
from finemanwest.api_urls import router
from invoices.import_services import import_batch_confirm, import_batch_create
from replies.models import InboundMessage

ROWS = 4  # of every kind; the large page asks for all of them

LIST_ROUTES = [f"api:{basename}-list" for _prefix, _viewset, basename in router.registry]

CSV_HEADER = (
    "client_id,account_name,contact_email,invoice_no,invoice_date,due_date,invoice_amount,total_outstanding,"
    "days_0_30,days_31_60,days_61_90,days_91_120,days_over_120,snapshot_date,currency\n"
)


@pytest.fixture
def ledger(organization, monkeypatch):
    """ROWS of every kind the API lists, in one organization, and an AR admin to read them."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    user = MembershipFactory(organization=organization, role=Role.AR_ADMIN).user
    active_templates(organization)
    accounts = [
        owing_account(organization, days_overdue=40 + 30 * n, name=f"Customer {n}", email=f"ap@c{n}.example")
        for n in range(ROWS)
    ]
    for _ in range(ROWS):  # before the promises, which would pause the accounts
        with TestCase.captureOnCommitCallbacks(execute=True):
            escalation_run_start(organization=organization, actor=user, on_date=TODAY)
    for n, account in enumerate(accounts):
        note_add(account=account, author=user, text=f"Called customer {n}.")
        promise_record(account=account, actor=user, promised_date=TODAY + datetime.timedelta(days=30 + n),
                       amount=Decimal("10.00"))  # fmt: skip
    for n in range(ROWS):
        row = (
            f"I-{n},Imported {n},ap@i{n}.example,IMP-{n},2024-09-12,2024-10-12,100.00,100.00,"
            f"0,0,0,0,100.00,2025-01-3{n % 2},USD\n"
        )
        batch = import_batch_create(organization=organization, uploaded_by=user,
                                    file=ContentFile((CSV_HEADER + row).encode(), name=f"aging-{n}.csv"),
                                    file_name=f"aging-{n}.csv")  # fmt: skip
        import_batch_confirm(batch=batch, actor=user)
    for n, account in enumerate(accounts):
        InboundMessage.objects.create(organization=organization, account=account, notification_id=f"n-{n}",
                                      sender=f"ap@c{n}.example", subject="Re: overdue", text="We pay.")  # fmt: skip
    return user


def _queries(api, route: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(reverse(route), {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_a_list_costs_the_same_queries_for_one_row_and_many(api_client_for, ledger, route):
    api = api_client_for(ledger)
    api.get(reverse("api:account-list"))  # the token's first use writes its last_used_at: not part of a list

    one_row, shown = _queries(api, route, page_size=1)
    many_rows, shown_many = _queries(api, route, page_size=500)

    assert shown == 1 and shown_many >= ROWS, f"{route}: the ledger should hold {ROWS}+ rows, the page had {shown_many}"
    assert many_rows == one_row, f"{route}: {one_row} queries for 1 row, {many_rows} for {shown_many}"


def test_a_token_costs_one_query_before_the_list_itself(api_client_for, ledger):
    api = api_client_for(ledger)
    api.get(reverse("api:invoice-list"))  # the token's first use writes its last_used_at

    with CaptureQueriesContext(connection) as captured:
        api.get(reverse("api:invoice-list"))

    tables = [query["sql"].split(" FROM ")[1].split()[0].strip('"') for query in captured.captured_queries]
    assert tables == ["accounts_apitoken", "invoices_invoice"]  # user, membership and role come with the token
