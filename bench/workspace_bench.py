"""Workspace page speed on PostgreSQL: 5,000 accounts, 100,000 invoices, 12 monthly snapshots (1.2 M rows).

    python bench/workspace_bench.py            # builds the data set once (kept in finemanwest_bench), then times
    python bench/workspace_bench.py --rebuild

Prints, for the dashboard, the worklist, the accounts list and an account page, the server time (median and worst of 10
requests through Django's test client, logged in as a collector) and the number of SQL queries.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finemanwest_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fw-bench-media-"))

BUILD = """
INSERT INTO accounts_account (organization_id, client_id, account_name, currency, escalation_paused, created_at,
                              updated_at)
SELECT %(org)s, 'W-' || lpad(n::text, 5, '0'), 'Workspace Customer ' || n, 'USD', n %% 50 = 0, now(), now()
FROM generate_series(1, %(accounts)s) n;

INSERT INTO accounts_contact (account_id, first_name, last_name, email, phone, is_billing, created_at, updated_at,
                              suppression_reason)
SELECT id, 'Pat', 'Doe', 'ap' || id || '@customer.example', '', true, now(), now(), ''
FROM accounts_account WHERE organization_id = %(org)s;

INSERT INTO invoices_invoice (organization_id, account_id, invoice_no, invoice_date, due_date, invoice_amount,
                              total_outstanding, is_disputed, closed_at, created_at, updated_at)
SELECT %(org)s, a.id, 'WI-' || a.id || '-' || k, d.invoice_date, d.invoice_date + 30, 100 + (k * 37 + a.id) %% 5000,
       100 + (k * 37 + a.id) %% 5000, k %% 97 = 0, CASE WHEN k %% 5 = 0 THEN now() END, now(), now()
FROM accounts_account a
CROSS JOIN generate_series(1, %(per_account)s) k
CROSS JOIN LATERAL (SELECT (DATE '2025-12-31' - ((k * 53 + a.id) %% 360)::int)::date AS invoice_date) d
WHERE a.organization_id = %(org)s;

INSERT INTO invoices_invoiceagingsnapshot (invoice_id, snapshot_date, days_0_30, days_31_60, days_61_90,
                                           days_91_120, days_over_120, created_at)
SELECT i.id, s.snapshot_date,
       CASE WHEN s.snapshot_date - i.due_date <= 30 THEN i.total_outstanding ELSE 0 END,
       CASE WHEN s.snapshot_date - i.due_date BETWEEN 31 AND 60 THEN i.total_outstanding ELSE 0 END,
       CASE WHEN s.snapshot_date - i.due_date BETWEEN 61 AND 90 THEN i.total_outstanding ELSE 0 END,
       CASE WHEN s.snapshot_date - i.due_date BETWEEN 91 AND 120 THEN i.total_outstanding ELSE 0 END,
       CASE WHEN s.snapshot_date - i.due_date > 120 THEN i.total_outstanding ELSE 0 END, now()
FROM invoices_invoice i
CROSS JOIN (SELECT (DATE '2025-01-31' + (m || ' month')::interval)::date AS snapshot_date
            FROM generate_series(0, 11) m) s
WHERE i.organization_id = %(org)s AND i.invoice_date <= s.snapshot_date;
"""


def workspace_build(*, accounts: int, invoices: int, rebuild: bool):
    """Migrates, builds the data set with SQL unless it is already there (or ``rebuild``), and returns the
    organization and a collector of it. The data set is kept between runs: building it takes a while."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import DEFAULT_TEMPLATES
    from accounts.models import Membership, Organization, Role
    from invoices.services import snapshot_summaries_rebuild
    from templates_app.services import template_version_create

    call_command("migrate", verbosity=0)
    organization = Organization.objects.filter(slug="workspace-bench").first()
    if organization is None or rebuild:
        from generation_bench import reset_tables

        reset_tables()
        started = time.perf_counter()
        organization = Organization.objects.create(name="Workspace bench", slug="workspace-bench")
        for identifier, data in DEFAULT_TEMPLATES.items():
            template_version_create(organization=organization, identifier=identifier, data=data, activate=True)
        with connection.cursor() as cursor:
            cursor.execute(BUILD, {"org": organization.pk, "accounts": accounts, "per_account": invoices // accounts})
        # The snapshots were written by SQL, not by an import: derive the totals and invoice dates from them.
        snapshot_summaries_rebuild(organization=organization)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a load, before anything is timed
        print(f"built the data set in {time.perf_counter() - started:.0f} s")
    user, _ = get_user_model().objects.get_or_create(username="workspace-bench-collector")
    Membership.objects.update_or_create(user=user, defaults={"organization": organization, "role": Role.COLLECTOR})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM accounts_account WHERE organization_id = %s), "
            "(SELECT count(*) FROM invoices_invoice WHERE organization_id = %s), "
            "(SELECT count(*) FROM invoices_invoiceagingsnapshot n JOIN invoices_invoice i ON i.id = n.invoice_id "
            " WHERE i.organization_id = %s)",
            [organization.pk] * 3,
        )
        account_count, invoice_count, snapshot_count = cursor.fetchone()
    print(f"{account_count:,} accounts, {invoice_count:,} invoices, {snapshot_count:,} aging snapshots")
    return organization, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    from import_bench import ensure_database

    ensure_database()
    # Django as a gunicorn worker has it (finemanwest.wsgi): every view loaded, the startup objects frozen.
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    import finemanwest.wsgi  # noqa: F401
    from accounts.models import Account

    organization, user = workspace_build(accounts=args.accounts, invoices=args.invoices, rebuild=args.rebuild)
    client = Client()
    client.force_login(user)
    busiest = Account.objects.filter(organization=organization).order_by("pk").first()
    pages = {
        "dashboard": reverse("home"),
        "worklist": reverse("worklist"),
        "worklist, age": reverse("worklist") + "?sort=age",
        "accounts list": reverse("account-list") + "?sort=outstanding",
        "list, 91-120": reverse("account-list") + "?sort=outstanding&bucket=days_91_120",
        "list, search": reverse("account-list") + "?q=Customer+42",
        "account page": reverse("account-detail", args=[busiest.pk]),
    }
    for name, url in pages.items():
        assert client.get(url).status_code == 200
        timings = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"{name:14}: median {statistics.median(timings):6.1f} ms, worst {max(timings):6.1f} ms, "
              f"{len(queries.captured_queries)} queries")  # fmt: skip


if __name__ == "__main__":
    main()
