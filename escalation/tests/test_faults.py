"""Fault tests against the real services: a Redis of the test's own stopped and started without
persistence, PostgreSQL backends terminated, a worker killed with SIGKILL - while a real worker sends
through the real django-ses to the SES fake, or reads an import. Each checks what a collector would
notice: every draft sent exactly once (0 duplicates, 0 lost) and none "unknown" where SES cannot have
accepted it. Each prints: drafts, sent, duplicates, lost, unknown."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from escalation.delivery.outbox import draft_task_publish
from escalation.models import EmailDraft
from escalation.policies import collection_settings_get
from escalation.tests.ledger import AS_OF, active_templates, owing_account
from escalation.tests.test_send_rate_limit import _max_in_any_window
from templates_app.models import EmailTemplate

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)"),
    pytest.mark.django_db(transaction=True),
]
S = EmailDraft.Status
PORT = 6393
RATE = 20.0


@pytest.fixture
def own_redis():
    """A Redis of this test's own, without persistence (as this machine and many hosted plans run it)."""
    url = f"redis://127.0.0.1:{PORT}/0"

    def start():
        subprocess.run(["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "",  # noqa: S603,S607
                        "--appendonly", "no", "--daemonize", "yes"], check=True, capture_output=True)  # fmt: skip
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(PORT), "ping"], capture_output=True).returncode == 0:  # noqa: S603,S607
                return
            time.sleep(0.05)

    def stop():
        subprocess.run(["redis-cli", "-p", str(PORT), "shutdown", "nosave"], capture_output=True)  # noqa: S603,S607

    stop()
    start()
    yield type("OwnRedis", (), {"url": url, "start": staticmethod(start), "stop": staticmethod(stop)})
    stop()


@pytest.fixture
def point_app_at(settings):
    """Make this process publish to ``url`` (the worker's broker) for the test."""
    from finemanwest.celery import app

    def point(url):
        settings.REDIS_URL = url
        app.conf.broker_url, app.conf.task_always_eager = url, False
        app._pool = None
        app.amqp._producer_pool = None

    yield point
    app.conf.broker_url, app.conf.task_always_eager = settings.CELERY_BROKER_URL, True
    app._pool = None
    app.amqp._producer_pool = None


def _worker(redis_url, ses, beat_file, **env):
    db = connection.settings_dict
    environ = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "escalation.tests.fault_worker_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
                        "?application_name=fault-worker",
        "REDIS_URL": redis_url, "FAULT_SES_ENDPOINT": ses.endpoint_url, "SES_MAX_SEND_RATE": str(RATE),
        "RECONCILE_SECONDS": "1", "OUTBOX_GRACE_SECONDS": "2", "OUTBOX_STALE_SECONDS": "20",
        "CELERY_VISIBILITY_TIMEOUT": "10", "IMPORT_STALE_SECONDS": "20", "SEND_STALE_MINUTES": "60", **env,
    }  # fmt: skip
    return subprocess.Popen(  # noqa: S603  (our interpreter and arguments)
        [sys.executable, "-m", "celery", "-A", "finemanwest", "worker", "-B", "-c", "2", "--without-gossip",
         "--without-mingle", "--loglevel", "WARNING", "-s", str(beat_file)],
        env=environ, cwd=settings.BASE_DIR, start_new_session=True,  # its own process group, to SIGKILL whole
    )  # fmt: skip


def _stop(worker):
    if worker is not None and worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def _drafts(organization, count):
    active_templates(organization)
    collection = collection_settings_get(organization=organization)
    collection.sender_email = "ar@example.com"
    collection.save()
    template = EmailTemplate.objects.get(identifier="firm-reminder")
    drafts = []
    for n in range(count):
        account = owing_account(organization, days_overdue=45, name=f"Customer {n}", email=f"ap{n}@example.com")
        drafts.append(EmailDraft.objects.create(
            organization=organization, account=account, snapshot_date=AS_OF, degree=2, contact=account.contacts.get(),
            template=template, recipient_email=f"ap{n}@example.com", subject=f"Past due {n}", body_text="Please pay.",
            status=S.QUEUED, check_passed=True,
            facts={"invoices": [{"invoice_no": account.invoices.get().invoice_no, "outstanding": "1000.00"}]},
        ))  # fmt: skip
    return drafts


def _settle(drafts, ses, timeout=90):
    # Generous: on a loaded two-core machine a lost task comes back after OUTBOX_STALE_SECONDS plus the
    # visibility timeout plus a worker start; settling returns as soon as nothing is moving.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        moving = EmailDraft.objects.filter(pk__in=[d.pk for d in drafts], status__in=[S.QUEUED, S.SENDING]).count()
        if not moving:
            break
        time.sleep(0.5)
    _ses_send_events(ses)
    per_draft = Counter(m.header("X-Fineman-Draft") for m in ses.sent_messages())
    statuses = Counter(EmailDraft.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True))
    unknown_ids = set(EmailDraft.objects.filter(pk__in=[d.pk for d in drafts], status=S.UNKNOWN)
                      .values_list("pk", flat=True))  # fmt: skip
    print("statuses:", dict(statuses))
    figures = {
        "drafts": len(drafts), "sent": statuses[S.SENT],
        "duplicates": sum(n - 1 for n in per_draft.values() if n > 1),
        "lost": sum(1 for d in drafts if per_draft[str(d.pk)] == 0 and d.pk not in unknown_ids),
        "unknown": statuses[S.UNKNOWN],
        "unknown_not_at_ses": sum(1 for pk in unknown_ids if per_draft[str(pk)] == 0 and not _maybe_at_ses(ses, pk)),
    }  # fmt: skip
    return figures, per_draft


def _ses_send_events(ses):
    """What SES's event publishing does: a "Send" event, with the message's headers, for every message it
    accepted (django-ses's webhook hands it to the same signal). A draft whose worker died between SES
    and the database is settled from it."""
    from django_ses import signals

    for n, message in enumerate(ses.sent_messages()):
        headers = [{"name": name, "value": str(value)} for name, value in message.parsed.items()]
        mail = {"messageId": message.message_id, "destination": message.destinations, "headers": headers}
        signals.send_received.send(sender=None, mail_obj=mail, send_obj={},
                                   raw_message=f'{{"MessageId": "sns-send-{n}"}}'.encode())  # fmt: skip


def _maybe_at_ses(ses, draft_pk):
    """SES may have accepted it: a request for it reached the fake (whatever the answer was)."""
    return any(str(draft_pk) in str(r.body) for r in ses.send_attempts)


def _report(name, figures):
    print(f"\nFAULT {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["unknown_not_at_ses"] == 0, figures


def _sent_at_least(ses, count, timeout=30):
    """Wait until the worker is up and sending (its start takes a few seconds on a busy machine)."""
    deadline = time.monotonic() + timeout
    while len(ses.sent_messages()) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _publish(drafts):
    for draft in drafts:
        draft_task_publish(draft_id=draft.pk, status=S.QUEUED)


@pytest.fixture
def ses(fake_ses):
    return fake_ses


def test_redis_stopped_and_restarted_without_persistence_while_sending(
    organization, ses, own_redis, point_app_at, tmp_path
):
    drafts = _drafts(organization, 40)
    point_app_at(own_redis.url)
    worker = _worker(own_redis.url, ses, tmp_path / "beat")
    try:
        _publish(drafts[:34])
        _sent_at_least(ses, 10)  # sending at 20/s
        own_redis.stop()  # everything the broker held is gone
        _publish(drafts[34:])  # approvals while Redis is down: the publish fails, the rows stay queued
        time.sleep(3)
        own_redis.start()
        figures, _ = _settle(drafts, ses)
    finally:
        _stop(worker)
    _report("redis-restart", figures)
    assert figures["sent"] == len(drafts)


def _terminator(stop, interval):
    """Terminate the worker's PostgreSQL backends every ``interval`` seconds until ``stop`` is set."""
    db = connection.settings_dict
    killed = 0
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"],
                         autocommit=True) as conn:  # fmt: skip
        while not stop.wait(interval):
            killed += len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE application_name = 'fault-worker'").fetchall())  # fmt: skip
    return killed


def test_postgresql_backends_terminated_while_sending(organization, ses, own_redis, point_app_at, tmp_path):
    drafts = _drafts(organization, 40)
    point_app_at(own_redis.url)
    worker = _worker(own_redis.url, ses, tmp_path / "beat")
    stop = threading.Event()
    killer = threading.Thread(target=_terminator, args=(stop, 0.3), daemon=True)
    try:
        _publish(drafts)
        _sent_at_least(ses, 3)
        killer.start()
        time.sleep(3)
        stop.set()
        killer.join()
        figures, _ = _settle(drafts, ses)
    finally:
        stop.set()
        _stop(worker)
    _report("pg-terminate-sending", figures)
    arrivals = [r.received_at for r in ses.send_attempts]
    assert _max_in_any_window(arrivals) <= RATE  # the rate held at SES's arrival times, across both processes


def test_a_worker_killed_with_sigkill_while_sending(organization, ses, own_redis, point_app_at, tmp_path):
    drafts = _drafts(organization, 40)
    point_app_at(own_redis.url)
    first = _worker(own_redis.url, ses, tmp_path / "beat")
    second = None
    try:
        _publish(drafts)
        _sent_at_least(ses, 15)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool processes, mid-batch
        first.wait(10)
        second = _worker(own_redis.url, ses, tmp_path / "beat")
        figures, _ = _settle(drafts, ses, timeout=60)
    finally:
        _stop(first)
        _stop(second)
    # A process killed after "sending" committed and before SES answered cannot be told apart, from the database,
    # from one killed after SES accepted: after SEND_STALE_MINUTES such a draft is "unknown" for a person (or is
    # settled by SES's send event, replayed above). It is neither lost nor sent twice; at most one per pool process.
    import datetime

    from django.utils import timezone

    from escalation.delivery.services import drafts_reconcile_sending

    drafts_reconcile_sending(now=timezone.now() + datetime.timedelta(hours=2))
    figures, _ = _settle(drafts, ses, timeout=0)
    print("\nFAULT worker-sigkill: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    assert figures["duplicates"] == 0 and figures["lost"] == 0 and figures["unknown"] <= 4, figures
