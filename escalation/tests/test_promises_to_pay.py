"""Promises to pay on the account page: open until their date, kept when the reports show the money paid by then,
broken when the date passed without it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from escalation.models import PromiseToPay
from escalation.selectors import account_promises
from invoices.tests.import_helpers import canonical_row, import_file

pytestmark = pytest.mark.django_db

NORTHWIND, BLUE_HERON = ("C-1", "Northwind Traders", "ap@northwind.example"), ("C-2", "Blue Heron", "ap@heron.example")
FEBRUARY = [
    canonical_row(*NORTHWIND, "INV-1", "2024-09-12", "4820.00", "2025-02-28"),
    canonical_row(*NORTHWIND, "INV-2", "2025-01-06", "1250.50", "2025-02-28"),
    canonical_row(*BLUE_HERON, "INV-3", "2024-11-20", "2310.00", "2025-02-28", outstanding="1810.00"),
]
# Northwind paid INV-1 but was invoiced 9,000 more; Blue Heron paid 1,000 of INV-3.
MARCH = [
    canonical_row(*NORTHWIND, "INV-2", "2025-01-06", "1250.50", "2025-03-31"),
    canonical_row(*NORTHWIND, "INV-9", "2025-03-15", "9000.00", "2025-03-31"),
    canonical_row(*BLUE_HERON, "INV-3", "2024-11-20", "2310.00", "2025-03-31", outstanding="810.00"),
]
# Blue Heron paid the rest: its last invoice is gone from the report.
APRIL = [
    canonical_row(*NORTHWIND, "INV-2", "2025-01-06", "1250.50", "2025-04-10"),
    canonical_row(*NORTHWIND, "INV-9", "2025-03-15", "9000.00", "2025-04-10"),
]
TODAY = datetime.date(2025, 4, 12)


def _promise(account, *, made: str, by: str, amount: str) -> PromiseToPay:
    promise = PromiseToPay.objects.create(organization=account.organization, account=account, amount=Decimal(amount),
                                          promised_date=datetime.date.fromisoformat(by))  # fmt: skip
    made_at = timezone.make_aware(datetime.datetime.fromisoformat(f"{made}T10:00"))
    PromiseToPay.objects.filter(pk=promise.pk).update(created_at=made_at)
    return promise


@pytest.fixture
def ledger(organization):
    for rows in (FEBRUARY, MARCH, APRIL):
        import_file(organization, rows)
    return Account.objects.get(client_id="C-1"), Account.objects.get(client_id="C-2")


def _states(account, today=TODAY) -> dict[str, str]:
    standings = account_promises(account=account, today=today)
    return {f"{s.promise.amount} by {s.promise.promised_date}": s.state for s in standings}


def test_a_promise_is_kept_when_the_report_shows_it_paid_even_with_new_invoices(ledger):
    northwind, _ = ledger
    _promise(northwind, made="2025-03-05", by="2025-03-20", amount="4000.00")
    (standing,) = account_promises(account=northwind, today=TODAY)
    # The balance grew (6,070.50 -> 10,250.50), but INV-1 (4,820.00) of what was owed then is paid.
    assert (standing.state, standing.paid, standing.owed) == ("kept", Decimal("4820.00"), Decimal("6070.50"))
    assert standing.judged_on == datetime.date(2025, 3, 31)  # the first report after the date


def test_a_promise_paid_short_or_late_is_broken_and_one_not_due_yet_is_open(ledger):
    northwind, blue_heron = ledger
    _promise(blue_heron, made="2025-03-05", by="2025-03-20", amount="1500.00")  # 1,000 by March 31, the rest later
    _promise(northwind, made="2025-04-01", by="2025-04-30", amount="1000.00")  # nothing paid since March 31 yet
    assert _states(blue_heron) == {"1500.00 by 2025-03-20": "broken"}
    assert _states(northwind) == {"1000.00 by 2025-04-30": "open"}
    assert _states(northwind, today=datetime.date(2025, 5, 1)) == {"1000.00 by 2025-04-30": "broken"}


def test_a_promise_paid_off_before_its_date_is_kept_at_once(ledger):
    _, blue_heron = ledger
    _promise(blue_heron, made="2025-04-01", by="2025-04-20", amount="2000.00")  # more than the 810.00 owed then
    (standing,) = account_promises(account=blue_heron, today=TODAY)
    assert (standing.state, standing.paid) == ("kept", Decimal("810.00"))
    assert standing.judged_on == datetime.date(2025, 4, 10)


def test_the_account_page_shows_each_promises_state(client_for, collector, ledger, monkeypatch):
    monkeypatch.setattr("accounts.views.timezone.localdate", lambda: TODAY)
    _, blue_heron = ledger
    _promise(blue_heron, made="2025-03-05", by="2025-03-20", amount="1500.00")
    _promise(blue_heron, made="2025-04-01", by="2025-04-20", amount="500.00")
    page = client_for(collector).get(reverse("account-detail", args=[blue_heron.pk])).content.decode()
    promises = page[page.index('<ul class="promises">') : page.index("</ul>", page.index('<ul class="promises">'))]
    assert [line.split("</strong>")[0].rsplit(">", 1)[1] for line in promises.split("<li>")[1:]] == ["Kept", "Broken"]
    assert "$1,000.00 of the $1,810.00 owed then paid by the report of Mar 31, 2025" in promises
