"""Thin tasks: the reading of a reply (Claude or the rules), retried while Claude is unavailable."""

from celery import shared_task
from django.conf import settings

from escalation.writing.claude import WriterUnavailable
from finemanwest.resilience import BROKER_ERRORS, DB_ERRORS

SHORT = {"time_limit": settings.SHORT_TASK_TIME_LIMIT, "soft_time_limit": settings.SHORT_TASK_TIME_LIMIT * 5 // 6}


@shared_task(bind=True, acks_late=True, max_retries=6, autoretry_for=(WriterUnavailable, *DB_ERRORS, *BROKER_ERRORS),
             retry_backoff=10, retry_backoff_max=settings.CELERY_VISIBILITY_TIMEOUT // 2, retry_jitter=True,
             **SHORT)  # fmt: skip
def inbound_read_task(self, inbound_id: int) -> None:
    from .reading import inbound_read

    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    inbound_read(inbound_id=inbound_id, final_attempt=final_attempt)
