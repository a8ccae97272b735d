"""Draft generation benchmark: N due accounts written through the real SDK against the local fake API.

    python bench/generation_bench.py                       # 1,000 accounts, 300 ms per call, concurrency 1/8/32
    python bench/generation_bench.py --accounts 200 --concurrency 8 32

Concurrency is the number of drafts written at once (in production: the writer workers' concurrency). Prints
wall time and drafts/s per concurrency against the floor N x latency / concurrency (goal: within 1.5x), the share
of input tokens read from the prompt cache from the second draft of a run on (goal: >= 60 %) and the cost per draft
with the fake enforcing each model's minimum cacheable prompt, the same for the Message Batch path of scheduled
runs, and SQL queries per draft for a small and a large ledger.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finemanwest_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fw-bench-media-"))


def build_ledger(organization, accounts: int):
    from decimal import Decimal

    from accounts.demo import DEFAULT_TEMPLATES
    from accounts.models import Account, Contact
    from invoices.models import Invoice, InvoiceAgingSnapshot
    from invoices.services import snapshot_summaries_rebuild
    from templates_app.services import template_version_create

    for identifier, data in DEFAULT_TEMPLATES.items():
        template_version_create(organization=organization, identifier=identifier, data=data, activate=True)
    as_of = datetime.date(2025, 2, 28)
    created = Account.objects.bulk_create(
        Account(organization=organization, client_id=f"C-{n:05d}", account_name=f"Customer {n:05d} Ltd")
        for n in range(accounts)
    )
    Contact.objects.bulk_create(
        Contact(account=a, first_name="Pat", email=f"ap{n}@customer.example", is_billing=True)
        for n, a in enumerate(created)
    )
    invoices = Invoice.objects.bulk_create(
        Invoice(organization=organization, account=a, invoice_no=f"INV-{n:06d}-{k}",
                invoice_date=as_of - datetime.timedelta(days=40 + 20 * k + n % 30),
                due_date=as_of - datetime.timedelta(days=10 + 20 * k + n % 30),
                invoice_amount=Decimal("1250.50") + k, total_outstanding=Decimal("1250.50") + k)
        for n, a in enumerate(created) for k in range(3)
    )  # fmt: skip
    InvoiceAgingSnapshot.objects.bulk_create(
        InvoiceAgingSnapshot(invoice=i, snapshot_date=as_of, days_31_60=i.total_outstanding) for i in invoices
    )
    snapshot_summaries_rebuild(organization=organization)  # written in bulk, not by an import
    return as_of


def usage_line(drafts, model) -> str:
    """Cache share from the second draft on, and the cost per draft, from the API's usage as stored per draft."""
    later = drafts[1:] or drafts
    read = sum(d.cache_read_tokens for d in later)
    total = sum(d.input_tokens + d.cache_read_tokens + d.cache_creation_tokens for d in later)
    cost = sum(d.cost_usd for d in drafts) / len(drafts)
    per_draft = total / len(later)
    return (f"{model}: {per_draft:.0f} input tokens per draft, {100 * read / total:.0f} % read from cache from the "
            f"second draft on (goal >= 60 %); cost per draft ${cost:.5f}")  # fmt: skip


def reset_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE escalation_writerbatch, escalation_emaildraft, escalation_escalationrun, "
            "invoices_invoiceagingsnapshot, "
            "invoices_invoice, accounts_contact, accounts_account, accounts_auditevent, "
            "templates_app_emailtemplate, escalation_policylevel, escalation_escalationpolicy, "
            "escalation_collectionsettings, accounts_organization CASCADE"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from import_bench import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization
    from devtools.fake_anthropic import FakeAnthropic
    from escalation.batches import writer_batches_poll
    from escalation.models import EmailDraft
    from escalation.services import draft_generate, escalation_run_start
    from escalation.tests.writers import honest_writer

    call_command("migrate", verbosity=0)
    with FakeAnthropic() as fake:

        def slow_responder(request_json, schema):
            time.sleep(args.latency)
            return honest_writer(request_json, schema)

        fake.json_responder = slow_responder
        settings.ANTHROPIC_API_KEY, settings.AI_MODE = "bench-key", "claude"
        settings.ANTHROPIC_BASE_URL, settings.ANTHROPIC_MAX_RETRIES = fake.base_url, 2
        settings.CELERY_TASK_ALWAYS_EAGER = True
        from finemanwest.celery import app

        print(f"database: {connection.vendor}; fake API latency {args.latency * 1000:.0f} ms per call")
        for concurrency in args.concurrency:
            settings.ANTHROPIC_CONCURRENCY = concurrency  # the writer workers' concurrency in production
            reset_tables()
            organization = Organization.objects.create(name="Bench", slug="bench")
            as_of = build_ledger(organization, args.accounts)
            app.conf.task_always_eager = False  # the run only creates drafts; this script writes them
            from unittest import mock

            with mock.patch("escalation.tasks.draft_generate_task.delay"):
                escalation_run_start(organization=organization, on_date=as_of + datetime.timedelta(days=3))
            app.conf.task_always_eager = True
            ids = list(EmailDraft.objects.values_list("pk", flat=True))
            fake.reset()
            fake.json_responder = slow_responder

            def write(pk):
                try:
                    return draft_generate(draft_id=pk).writer
                finally:
                    connections.close_all()

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                writers = list(pool.map(write, ids))
            elapsed = time.perf_counter() - started
            ideal = len(ids) * args.latency / concurrency
            drafts = list(EmailDraft.objects.filter(pk__in=ids).order_by("generated_at"))
            claude = sum(1 for w in writers if w == "claude")
            print(f"concurrency {concurrency:>2}: {len(ids)} drafts in {elapsed:.1f} s = {len(ids) / elapsed:.1f} "
                  f"drafts/s (floor {ideal:.1f} s, ratio {elapsed / ideal:.2f}, goal <= 1.5); {claude} by Claude, "
                  f"{len(ids) - claude} other")  # fmt: skip
            print("  " + usage_line(drafts, settings.ANTHROPIC_MODEL))

        # The batch path of scheduled runs, on the same ledger: one batch, half the price.
        reset_tables()
        organization = Organization.objects.create(name="Bench", slug="bench")
        as_of = build_ledger(organization, args.accounts)
        fake.reset()
        fake.json_responder = honest_writer
        settings.ANTHROPIC_BATCHES = True
        started = time.perf_counter()
        escalation_run_start(organization=organization, on_date=as_of + datetime.timedelta(days=3), scheduled=True)
        fake.batches_complete()
        writer_batches_poll()
        elapsed = time.perf_counter() - started
        drafts = list(EmailDraft.objects.order_by("generated_at"))
        print(f"batch path: {len(drafts)} drafts submitted, collected and checked in {elapsed:.1f} s (without the "
              f"API's own processing time); {sum(d.writer == 'claude' for d in drafts)} by Claude")  # fmt: skip
        print("  " + usage_line(drafts, settings.ANTHROPIC_MODEL))
        ids = [d.pk for d in drafts]

        # SQL queries per draft: the same for a small and a large ledger.
        for pk in ids[:2]:
            EmailDraft.objects.filter(pk=pk).update(status=EmailDraft.Status.GENERATING, prompt_hash="")
        counts = []
        for pk in ids[:2]:
            with CaptureQueriesContext(connection) as queries:
                draft_generate(draft_id=pk)
            counts.append(len(queries.captured_queries))
        print(f"SQL queries per draft: {counts}")


if __name__ == "__main__":
    main()
