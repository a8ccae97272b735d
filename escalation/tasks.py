"""Thin tasks: load by primary key, call the service. Retries with backoff and jitter live here; the
services' status guards make a redelivered or duplicated task do nothing."""

from celery import shared_task
from django.utils import timezone

from .delivery.services import draft_send, drafts_reconcile_sending
from .delivery.ses import SendTransient
from .services import draft_generate, escalation_daily_runs
from .writing.claude import WriterUnavailable


@shared_task(bind=True, acks_late=True, max_retries=4, autoretry_for=(WriterUnavailable,),
             retry_backoff=10, retry_backoff_max=300, retry_jitter=True)  # fmt: skip
def draft_generate_task(self, draft_id: int) -> None:
    # Run eagerly (embedded mode) nothing can retry later, so the first attempt is also the last.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    draft_generate(draft_id=draft_id, final_attempt=final_attempt)


@shared_task(bind=True, acks_late=True, max_retries=8, autoretry_for=(SendTransient,),
             retry_backoff=5, retry_backoff_max=600, retry_jitter=True)  # fmt: skip
def draft_send_task(self, draft_id: int) -> None:
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    draft_send(draft_id=draft_id, final_attempt=final_attempt)


@shared_task
def drafts_reconcile_sending_task() -> int:
    return drafts_reconcile_sending()


@shared_task
def escalation_daily_runs_task() -> list[int]:
    return escalation_daily_runs(now=timezone.now())
