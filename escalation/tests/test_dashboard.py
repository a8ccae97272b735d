"""The dashboard's aging history: totals kept by the imports, always equal to the snapshots they sum, read in a
fixed number of queries however large the ledger."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.demo import demo_data_load
from accounts.tests.factories import MembershipFactory
from escalation.tests.ledger import AS_OF, TODAY, active_templates, owing_account
from invoices.models import Invoice, InvoiceAgingSnapshot
from invoices.tests.factories import InvoiceFactory
from invoices.tests.import_helpers import FEBRUARY, MARCH, canonical_row, import_file

pytestmark = pytest.mark.django_db

BUCKETS = InvoiceAgingSnapshot.BUCKET_FIELDS
CENT = Decimal("0.01")


def _snapshot_sums(organization) -> list[tuple]:
    """Every snapshot of the organization summed per as-of date, straight from the snapshots."""
    rows = (
        InvoiceAgingSnapshot.objects.filter(invoice__organization=organization)
        .values("snapshot_date")
        .annotate(invoices=Count("id"), **{name: Sum(name) for name in BUCKETS})
        .order_by("snapshot_date")
    )
    return [
        (row["snapshot_date"], {name: Decimal(row[name]).quantize(CENT) for name in BUCKETS}, row["invoices"])
        for row in rows
    ]


def _dashboard_history(client) -> list[tuple]:
    series = client.get(reverse("home")).context["summary"]["series"]
    return [(point["date"], point["buckets"], point["invoices"]) for point in series]


def test_the_history_equals_the_snapshots_after_new_repeated_and_older_reports(
    client_for, collector, organization, other_organization
):
    client = client_for(collector)
    import_file(other_organization, MARCH)  # another organization's report counts for it alone
    january = [
        canonical_row("C-1", "Northwind Traders", "", "INV-1", "2024-09-12", "4820.00", "2025-01-31"),
        canonical_row("C-2", "Blue Heron Dental", "", "INV-3", "2024-11-20", "2310.00", "2025-01-31"),
        canonical_row("C-5", "Old Mill Bakery", "", "INV-0", "2024-10-01", "99.99", "2025-01-31"),
    ]
    late_march_invoice = canonical_row("C-4", "Saltmarsh Cafe", "", "INV-5", "2025-03-20", "120.10", "2025-03-31")
    imports = {
        "February": lambda: import_file(organization, FEBRUARY),
        "March": lambda: import_file(organization, MARCH),
        "March again": lambda: import_file(organization, MARCH),
        "March with one more invoice": lambda: import_file(organization, [*MARCH, late_march_invoice]),
        "January, an older report": lambda: import_file(organization, january),
    }
    for step, run_import in imports.items():
        assert run_import().status == "completed", step
        assert _dashboard_history(client) == _snapshot_sums(organization), step

    history = _dashboard_history(client)
    assert [date.isoformat() for date, *_ in history] == ["2025-01-31", "2025-02-28", "2025-03-31"]
    march_total = sum(history[-1][1].values())
    assert (march_total, history[-1][2]) == (Decimal("1990.75") + Decimal("120.10"), 5)


def test_demo_data_and_bulk_loads_get_their_totals_and_who_is_due(client_for, collector, organization):
    demo = demo_data_load(today=datetime.date(2026, 11, 29))
    demo_collector = MembershipFactory(organization=demo.organization).user
    assert len(_dashboard_history(client_for(demo_collector))) == 2
    assert _dashboard_history(client_for(demo_collector)) == _snapshot_sums(demo.organization)

    # Snapshots written in bulk, outside an import, show once what derives from them is rebuilt.
    invoices = [InvoiceFactory(account__organization=organization) for _ in range(3)]
    InvoiceAgingSnapshot.objects.bulk_create(
        InvoiceAgingSnapshot(invoice=invoice, snapshot_date=AS_OF, days_61_90=invoice.total_outstanding)
        for invoice in invoices
    )
    client = client_for(collector)
    assert _dashboard_history(client) == []
    out = io.StringIO()
    call_command("snapshot_summaries_rebuild", organization=organization.slug, stdout=out)
    assert out.getvalue().strip() == "riverbend: 1 as-of date."
    assert _dashboard_history(client) == _snapshot_sums(organization)
    assert _dashboard_history(client)[0][1]["days_61_90"] == Decimal("3751.50")
    overdue = client.get(reverse("home")).context["summary"]["top_overdue"]
    assert sorted(item.account_id for item, _ in overdue) == sorted(invoice.account_id for invoice in invoices)


def _snapshot_every_month(invoice: Invoice, months: int) -> None:
    from invoices.tests.factories import InvoiceAgingSnapshotFactory

    for month in range(1, months):
        as_of = datetime.date(2024, month, 28)
        InvoiceAgingSnapshotFactory(invoice=invoice, snapshot_date=as_of, days_0_30=invoice.total_outstanding)


def test_dashboard_queries_do_not_grow_with_accounts_invoices_or_reports(client_for, collector, organization):
    active_templates(organization)
    first = owing_account(organization, days_overdue=45, name="A0", email="a0@x.example")
    client = client_for(collector)
    client.get(reverse("home"))  # warm: default policy and settings exist from here on
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))

    _snapshot_every_month(first.invoices.get(), months=12)
    for n in range(1, 12):
        account = owing_account(organization, days_overdue=20 * n, name=f"A{n}", email=f"a{n}@x.example")
        for _ in range(3):
            _snapshot_every_month(InvoiceFactory(account=account), months=4)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("home"))
    assert len(page.context["summary"]["series"]) == 12
    assert len(large.captured_queries) == len(small.captured_queries), [q["sql"] for q in large.captured_queries]


def test_an_account_in_dispute_shows_its_days_and_balance_among_the_most_overdue(
    client_for, collector, organization, monkeypatch
):
    monkeypatch.setattr("escalation.workspace_views.timezone.localdate", lambda: TODAY)
    active_templates(organization)
    owing_account(organization, days_overdue=75, name="Heron Dental", amount="1810.00", disputed=True)
    owing_account(organization, days_overdue=20, name="Northwind", amount="250.00")
    page = client_for(collector).get(reverse("home"))
    html = page.content.decode()
    assert "Heron Dental</a>: 75 days, $1,810.00 – Every open invoice is disputed" in html
    assert page.context["summary"]["degrees"][3] == (3, 1)  # counted at the degree its age gives it
