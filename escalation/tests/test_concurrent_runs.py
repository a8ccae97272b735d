"""Two runs started at the same moment still make one draft per account (PostgreSQL, real connections)."""

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from escalation.models import EmailDraft, EscalationRun
from escalation.services import escalation_run_start
from escalation.tests.ledger import TODAY, active_templates, owing_account

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due_ledger(organization, settings):
    settings.AI_MODE = "offline"
    active_templates(organization)
    for n in range(20):
        owing_account(organization, days_overdue=20 + n * 5, name=f"Customer {n:02d}", email=f"ap{n}@x.example")
    return organization


def test_two_overlapping_runs_make_one_draft_per_account(due_ledger):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite serialises them)")
    barrier = threading.Barrier(2)
    errors = []

    def start_run():
        try:
            barrier.wait()
            escalation_run_start(organization=due_ledger, on_date=TODAY)
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert EscalationRun.objects.count() == 2
    assert EmailDraft.objects.count() == 20
    assert sum(r.counts["drafts_created"] for r in EscalationRun.objects.all()) == 20


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)")
def test_drafts_are_written_by_a_real_worker(celery_worker_queue, due_ledger):
    run = escalation_run_start(organization=due_ledger, on_date=TODAY)
    assert run.status == EscalationRun.Status.RUNNING  # queued, not written in this process
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and EmailDraft.objects.filter(status=EmailDraft.Status.GENERATING).exists():
        time.sleep(0.2)
    run.refresh_from_db()
    assert run.status == EscalationRun.Status.COMPLETED
    assert EmailDraft.objects.filter(status=EmailDraft.Status.NEEDS_REVIEW, check_passed=True).count() == 20
