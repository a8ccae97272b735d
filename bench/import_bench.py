"""Import benchmark: how fast and how lean is an aging import on PostgreSQL?

    python bench/import_bench.py                  # 50,000 invoices over 5,000 accounts, then next month
    python bench/import_bench.py --rows 20000     # smaller
    python bench/import_bench.py --memory-rows 500000   # also the memory check on a 500k-row file
    python bench/import_bench.py --ie-rows 5000   # django-import-export's rate from its first 5,000 rows

Uses DATABASE_URL (default: postgres://postgres@127.0.0.1:5432/finemanwest_bench, created when missing);
every run starts from empty tables. Prints one line per figure.
"""

import argparse
import csv
import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finemanwest_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fw-bench-media-"))

HEADER = [
    "client_id", "account_name", "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
    "invoice_no", "invoice_date", "due_date", "invoice_amount", "total_outstanding", "days_0_30", "days_31_60",
    "days_61_90", "days_91_120", "days_over_120", "snapshot_date", "currency",
]  # fmt: skip
BUCKET_LIMITS = (30, 60, 90, 120)
FIRST_AS_OF = datetime.date(2025, 2, 28)


def generate(path: Path, *, rows: int, accounts: int, as_of: datetime.date, month: int, seed: int = 7) -> int:
    """A canonical file: ``rows`` open invoices over ``accounts`` customers as of ``as_of``.

    ``month`` > 0 is the next report: about 10% of the invoices were paid and as many are new, 5% were part-paid,
    the others are listed again unchanged (but for their aging buckets).
    """
    rng = random.Random(seed)
    written = 0
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        per_account = max(1, rows // accounts)
        for n in range(rows + (rows // 10 if month else 0)):
            if month and n < rows and rng.random() < 0.1:
                continue  # paid since last month
            if written == rows:
                break
            account = (n // per_account) % accounts
            # The same invoice has the same date in every month's report (issued before the first one).
            invoice_date = FIRST_AS_OF - datetime.timedelta(days=(n * 7919) % 200)
            if n >= rows:
                invoice_date = as_of - datetime.timedelta(days=rng.randint(1, 25))
            due = invoice_date + datetime.timedelta(days=30)
            # An invoice's amount is its own, whatever the month (a generator of its own per invoice number).
            amount = Decimal(random.Random(seed * 1_000_003 + n).randint(5_000, 2_000_000)) / 100
            outstanding = amount if not month or rng.random() > 0.05 else (amount / 2).quantize(Decimal("0.01"))
            buckets = ["0.00"] * 5
            overdue = (as_of - due).days
            index = next((i for i, limit in enumerate(BUCKET_LIMITS) if overdue <= limit), 4)
            buckets[index] = str(outstanding)
            out.writerow(
                [f"C-{account:05d}", f"Customer {account:05d} Ltd", "Pat", "Doe", f"ap{account}@customer.example",
                 "", f"INV-{n:07d}", invoice_date.isoformat(), due.isoformat(), str(amount), str(outstanding),
                 *buckets, as_of.isoformat(), "USD"]
            )  # fmt: skip
            written += 1
    return written


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE invoices_invoiceagingsnapshot, invoices_agingsnapshottotal, invoices_stagedinvoicerow, "
            "invoices_importbatch, "
            "invoices_invoice, accounts_contact, accounts_account, accounts_auditevent, accounts_organization CASCADE"
        )


def ensure_database():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed_import(organization, path: Path):
    from django.core.files import File
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from invoices.import_services import import_batch_confirm, import_batch_create

    with path.open("rb") as handle, CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        batch = import_batch_create(organization=organization, uploaded_by=None, file=File(handle, name=path.name),
                                    file_name=path.name)  # fmt: skip
        read_done = time.perf_counter()
        assert batch.can_confirm, (batch.status, batch.failure, batch.issues[:3])
        batch = import_batch_confirm(batch=batch)
        finished = time.perf_counter()
    return batch, read_done - started, finished - read_done, len(queries.captured_queries)


def identical_reimport(organization, path: Path) -> float:
    from django.core.files import File

    from invoices.import_services import import_batch_create

    with path.open("rb") as handle:
        started = time.perf_counter()
        batch = import_batch_create(organization=organization, uploaded_by=None, file=File(handle, name=path.name),
                                    file_name=path.name)  # fmt: skip
        elapsed = time.perf_counter() - started
    assert batch.result.get("nothing_to_do"), (batch.status, batch.result)
    return elapsed


def parse_only(path: Path) -> float:
    from invoices.importing import RowIssue, read_report

    started = time.perf_counter()
    with path.open("rb") as handle:
        rows = sum(1 for item in read_report(handle) if not isinstance(item, RowIssue))
    return rows / (time.perf_counter() - started)


def import_export_bulk(organization, path: Path) -> float:
    """django-import-export's bulk mode on the same invoices (no snapshots, no contacts)."""
    import tablib
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    from accounts.models import Account
    from invoices.models import Invoice

    class OrganizationAccountWidget(ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return Account.objects.filter(organization=organization)

    class BulkInvoiceResource(resources.ModelResource):
        account = fields.Field(attribute="account", column_name="client_id",
                               widget=OrganizationAccountWidget(Account, field="client_id"))  # fmt: skip

        def get_queryset(self):
            # Invoice numbers are unique per organization: looked up within it, through the (organization,
            # invoice_no) unique index, rather than across every organization's invoices by a scan.
            return Invoice.objects.filter(organization=organization)

        class Meta:
            model = Invoice
            fields = ["account", "invoice_no", "invoice_date", "due_date", "invoice_amount", "total_outstanding"]
            import_id_fields = ["invoice_no"]
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.organization = organization

    with path.open() as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    started = time.perf_counter()
    result = BulkInvoiceResource().import_data(dataset, dry_run=False)
    elapsed = time.perf_counter() - started
    assert not result.has_errors(), result.row_errors()[:1]
    return len(dataset) / elapsed


def copy_ceiling(organization, path: Path) -> float:
    """The same file into the same tables with nothing but SQL: psycopg COPY into a temporary table, then
    INSERT ... SELECT ... ON CONFLICT for accounts, contacts, invoices and snapshots. No checks, no preview, no
    report: the ceiling an importer on this database can approach. Returns the seconds it took."""
    from django.db import connection, transaction

    text = ", ".join(f"{name} text" for name in HEADER)
    p = {"org": organization.pk}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE ceiling_raw ({text}) ON COMMIT DROP")
        with path.open("rb") as handle, cursor.cursor.copy("COPY ceiling_raw FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        cursor.execute(
            """INSERT INTO accounts_account
                   (organization_id, client_id, account_name, currency, escalation_paused, created_at, updated_at)
               SELECT %(org)s, client_id, MIN(account_name), MIN(currency), false, now(), now()
               FROM ceiling_raw GROUP BY client_id
               ON CONFLICT (organization_id, client_id) DO NOTHING""",
            p,
        )
        cursor.execute(
            """INSERT INTO accounts_contact
                   (account_id, first_name, last_name, email, phone, is_billing, created_at, updated_at)
               SELECT DISTINCT ON (a.id, r.contact_email) a.id, COALESCE(r.contact_first_name, ''),
                      COALESCE(r.contact_last_name, ''), r.contact_email, COALESCE(r.contact_phone, ''), false, now(),
                      now()
               FROM ceiling_raw r JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = r.client_id
               WHERE r.contact_email <> ''
               ON CONFLICT DO NOTHING""",
            p,
        )
        cursor.execute(
            """INSERT INTO invoices_invoice
                   (organization_id, account_id, kind, invoice_no, invoice_date, due_date, invoice_amount,
                    total_outstanding, is_disputed, last_snapshot_date, created_at, updated_at)
               SELECT %(org)s, a.id, 'invoice', r.invoice_no, r.invoice_date::date, NULLIF(r.due_date, '')::date,
                      r.invoice_amount::numeric, r.total_outstanding::numeric, false, r.snapshot_date::date, now(),
                      now()
               FROM ceiling_raw r JOIN accounts_account a ON a.organization_id = %(org)s AND a.client_id = r.client_id
               ON CONFLICT (organization_id, invoice_no) DO UPDATE SET
                   total_outstanding = excluded.total_outstanding, updated_at = excluded.updated_at
               WHERE invoices_invoice.total_outstanding <> excluded.total_outstanding""",
            p,
        )
        cursor.execute(
            """INSERT INTO invoices_invoiceagingsnapshot
                   (invoice_id, snapshot_date, days_0_30, days_31_60, days_61_90, days_91_120, days_over_120,
                    created_at)
               SELECT i.id, r.snapshot_date::date, r.days_0_30::numeric, r.days_31_60::numeric,
                      r.days_61_90::numeric, r.days_91_120::numeric, r.days_over_120::numeric, now()
               FROM ceiling_raw r JOIN invoices_invoice i ON i.organization_id = %(org)s AND i.invoice_no = r.invoice_no
               ON CONFLICT (invoice_id, snapshot_date) DO NOTHING""",
            p,
        )
    return time.perf_counter() - started


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_048_576


def memory_child(path: str) -> None:
    """Runs in a fresh process: import one big file and print how far the resident memory rose above
    where it started (sampled every 20 ms while the import runs)."""
    import threading

    setup_django()
    from accounts.models import Organization

    organization = Organization.objects.create(name="Memory", slug="memory")
    baseline, peak, done = _rss_mb(), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    batch, read_s, apply_s, _ = timed_import(organization, Path(path))
    done.set()
    sampler.join()
    print(f"{batch.rows_read} {max(peak[0] - baseline, 0):.1f} {read_s + apply_s:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--memory-rows", type=int, default=0, help="also import a file this big and report memory")
    parser.add_argument("--ie-rows", type=int, default=0,
                        help="time django-import-export on the first N rows (its rate is per row; 0: all)")  # fmt: skip
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    ensure_database()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    setup_django()
    from django.db import connection

    from accounts.models import Organization

    work = Path(tempfile.mkdtemp(prefix="fw-bench-"))
    feb, mar = work / "february.csv", work / "march.csv"
    generate(feb, rows=args.rows, accounts=args.accounts, as_of=datetime.date(2025, 2, 28), month=0)
    generate(mar, rows=args.rows, accounts=args.accounts, as_of=datetime.date(2025, 3, 31), month=1)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {args.rows:,} rows, "
          f"{args.accounts:,} accounts")  # fmt: skip
    print(f"parse only: {parse_only(feb):,.0f} rows/s")

    organization = Organization.objects.create(name="Bench", slug="bench")
    batch, read_s, apply_s, statements = timed_import(organization, feb)
    first = read_s + apply_s
    print(f"first import: {first:.2f} s = read+preview {read_s:.2f} s + apply {apply_s:.2f} s -> "
          f"{args.rows / first:,.0f} rows/s ({batch.result['snapshots']['new']:,} snapshots, "
          f"{statements} SQL statements besides COPY)")  # fmt: skip
    batch, read_s, apply_s, statements = timed_import(organization, mar)
    total = read_s + apply_s
    print(f"next month: {total:.2f} s = read+preview {read_s:.2f} s + apply {apply_s:.2f} s -> "
          f"{args.rows / total:,.0f} rows/s (closed {batch.result['invoices']['to_close']:,}, "
          f"new {batch.result['invoices']['new']:,}, {statements} SQL statements besides COPY)")  # fmt: skip
    identical = identical_reimport(organization, mar)
    print(f"identical re-import (same SHA-256): {identical:.3f} s")

    ceiling = copy_ceiling(Organization.objects.create(name="Bench ceiling", slug="bench-ceiling"), feb)
    print(
        f"COPY + INSERT ... SELECT ceiling, same file and tables: {ceiling:.2f} s -> {args.rows / ceiling:,.0f} rows/s"
    )

    other = Organization.objects.create(name="Bench import-export", slug="bench-ie")
    from accounts.models import Account

    Account.objects.bulk_create(
        Account(organization=other, client_id=f"C-{n:05d}", account_name=f"Customer {n:05d} Ltd")
        for n in range(args.accounts)
    )
    ie_file = feb
    if args.ie_rows and args.ie_rows < args.rows:
        ie_file = work / "february-head.csv"
        with feb.open() as source, ie_file.open("w") as head:
            head.writelines(line for _, line in zip(range(args.ie_rows + 1), source, strict=False))
    ie_rate = import_export_bulk(other, ie_file)
    print(f"django-import-export bulk mode, scoped lookups (invoices only, accounts made beforehand): "
          f"{ie_rate:,.0f} rows/s")  # fmt: skip
    print(f"ratios: first import = {ceiling / first:.0%} of the COPY ceiling; "
          f"{args.rows / first / ie_rate:.1f}x django-import-export")  # fmt: skip

    if args.memory_rows:
        big = work / "big.csv"
        generate(big, rows=args.memory_rows, accounts=max(args.accounts, args.memory_rows // 10),
                 as_of=datetime.date(2025, 2, 28), month=0)  # fmt: skip
        output = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--memory-child", str(big)], capture_output=True, text=True, check=True
        ).stdout.split()
        rows, growth_mb, seconds = output[-3:]
        print(f"memory: {int(rows):,}-row file imported in {float(seconds):.1f} s, resident memory rose {growth_mb} MB")


if __name__ == "__main__":
    main()
