"""Thin tasks: load by primary key, call the service. Retries with backoff and jitter live here; the
services' status guards make a redelivered or duplicated task do nothing.

Every task retries on database and broker errors (a restart, a terminated connection). Sending and
generation are acknowledged late, so their hard time limit and their retry countdowns stay below the
broker's visibility timeout: a task still running or waiting is never given to a second worker.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from finemanwest.resilience import BROKER_ERRORS, DB_ERRORS

from .batches import writer_batch_submit, writer_batches_poll
from .delivery.outbox import drafts_reconcile
from .delivery.services import draft_send, drafts_reconcile_sending
from .delivery.ses import SendTransient
from .services import draft_generate, escalation_daily_runs
from .writing.claude import WriterUnavailable

SHORT = {"time_limit": settings.SHORT_TASK_TIME_LIMIT, "soft_time_limit": settings.SHORT_TASK_TIME_LIMIT * 5 // 6}
COUNTDOWN_MAX = settings.CELERY_VISIBILITY_TIMEOUT // 2
INFRA = (*DB_ERRORS, *BROKER_ERRORS)


@shared_task(bind=True, acks_late=True, max_retries=6, autoretry_for=(WriterUnavailable, *INFRA),
             retry_backoff=10, retry_backoff_max=COUNTDOWN_MAX, retry_jitter=True, **SHORT)  # fmt: skip
def draft_generate_task(self, draft_id: int) -> None:
    # Run eagerly (embedded mode) nothing can retry later, so the first attempt is also the last.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    draft_generate(draft_id=draft_id, final_attempt=final_attempt)


@shared_task(bind=True, acks_late=True, max_retries=20, autoretry_for=(SendTransient, *INFRA),
             retry_backoff=5, retry_backoff_max=COUNTDOWN_MAX, retry_jitter=True, **SHORT)  # fmt: skip
def draft_send_task(self, draft_id: int) -> None:
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    draft_send(draft_id=draft_id, final_attempt=final_attempt)


@shared_task(autoretry_for=INFRA, max_retries=3, retry_backoff=5)
def drafts_reconcile_sending_task() -> int:
    return drafts_reconcile_sending()


@shared_task(autoretry_for=DB_ERRORS, max_retries=3, retry_backoff=5)
def drafts_reconcile_task() -> dict:
    return drafts_reconcile()


@shared_task(autoretry_for=INFRA, max_retries=3, retry_backoff=30)
def escalation_daily_runs_task() -> list[int]:
    return escalation_daily_runs(now=timezone.now())


@shared_task(bind=True, acks_late=True, max_retries=4, autoretry_for=(WriterUnavailable,),
             retry_backoff=30, retry_backoff_max=600, retry_jitter=True)  # fmt: skip
def writer_batch_submit_task(self, run_id: int) -> None:
    writer_batch_submit(run_id=run_id)


@shared_task
def writer_batches_poll_task() -> int:
    return writer_batches_poll()
