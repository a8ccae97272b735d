"""Sending benchmark: approved drafts sent by two real Celery worker processes through the real django-ses
backend to the local SES fake, with the global rate limit on.

    python bench/send_bench.py                    # 2,000 drafts at 50/s, two workers
    python bench/send_bench.py --drafts 500 --rate 20

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; defaults: this machine's). Prints the achieved rate,
the most sends seen in any one-second (sliding) window, duplicates and lost emails.
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finemanwest_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fw-bench-media-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker process")
    args = parser.parse_args()

    from import_bench import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from generation_bench import reset_tables

    from accounts.models import Account, Contact, Organization
    from devtools.fake_ses import FakeSES
    from escalation.delivery.rate_limit import KEY
    from escalation.models import EmailDraft
    from escalation.tasks import draft_send_task
    from finemanwest.celery import app
    from templates_app.services import template_version_create

    call_command("migrate", verbosity=0)
    reset_tables()
    organization = Organization.objects.create(name="Send bench", slug="send-bench")
    template = template_version_create(organization=organization, identifier="firm-reminder", activate=True,
                                       data={"subject": "s", "tone": "firm", "guidance": "", "required_elements": [],
                                             "sign_off": "Regards"})  # fmt: skip
    accounts = Account.objects.bulk_create(
        Account(organization=organization, client_id=f"S-{n:05d}", account_name=f"Customer {n:05d}")
        for n in range(args.drafts)
    )
    contacts = Contact.objects.bulk_create(
        Contact(account=a, email=f"ap{n}@customer.example", is_billing=True) for n, a in enumerate(accounts)
    )
    as_of = datetime.date(2025, 2, 28)
    drafts = EmailDraft.objects.bulk_create(
        EmailDraft(organization=organization, account=a, contact=c, snapshot_date=as_of, degree=2, template=template,
                   recipient_email=c.email, subject=f"Overdue balance {n}", body_text="Dear customer,\n\nPlease pay.",
                   status=EmailDraft.Status.QUEUED, check_passed=True, facts={"invoices": []})
        for n, (a, c) in enumerate(zip(accounts, contacts, strict=True))
    )  # fmt: skip

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(KEY)
    db = connection.settings_dict
    with FakeSES() as fake:
        ses = fake.django_settings(max_attempts=1)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "finemanwest.settings.development",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "AWS_SES_REGION_NAME": ses["AWS_SES_REGION_NAME"],
            "AWS_SES_REGION_ENDPOINT": ses["AWS_SES_REGION_ENDPOINT"],
            "AWS_SES_REGION_ENDPOINT_URL": ses["AWS_SES_REGION_ENDPOINT_URL"],
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SES_CONFIGURATION_SET": "collections", "SES_MAX_SEND_RATE": str(args.rate),
            "DEFAULT_FROM_EMAIL": "AR <ar@example.com>", "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        queue = "send-bench"
        workers = [
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "finemanwest",
                    "worker",
                    "-Q",
                    queue,
                    "-c",
                    "4",
                    "--pool",
                    "threads",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                    "-n",
                    f"send{n}@%h",
                ],
                env=env,
                cwd=ROOT,
            )
            for n in range(args.workers)
        ]
        try:
            time.sleep(4)  # let the workers connect
            app.conf.task_always_eager = False
            started = time.time()
            for draft in drafts:
                draft_send_task.apply_async((draft.pk,), queue=queue)
            deadline = time.monotonic() + args.drafts / args.rate * 3 + 60
            pending = EmailDraft.objects.filter(organization=organization, status__in=["queued", "sending"])
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
        attempts = [r for r in fake.send_attempts if r.received_at >= started]
        messages = fake.sent_messages()

    times = sorted(r.received_at for r in attempts)
    elapsed = times[-1] - times[0] if len(times) > 1 else 0
    worst = max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times)) if times else 0
    subjects = Counter(m.subject for m in messages)
    statuses = Counter(EmailDraft.objects.filter(organization=organization).values_list("status", flat=True))
    rate = (len(times) - 1) / elapsed
    print(f"{len(messages)} emails to the fake in {elapsed:.1f} s = {rate:.1f}/s (limit {args.rate:.0f}/s, "
          f"{args.workers} workers x {args.threads} threads); most in any 1-s window: {worst}")  # fmt: skip
    print(f"duplicates: {sum(n - 1 for n in subjects.values() if n > 1)}; lost: {args.drafts - len(subjects)}; "
          f"draft statuses: {dict(statuses)}")  # fmt: skip


if __name__ == "__main__":
    main()
