"""Thin tasks for large imports: load by primary key, call the service. The services' status guards make
a redelivered task harmless.

Reading or applying a large file may take longer than the broker's visibility timeout, so these tasks
are acknowledged when received (a long task is never handed to a second worker while it runs); a
worker that dies mid-import is made good by ``imports_reconcile_task`` from the batch's row. Database
and broker errors are retried with backoff.
"""

from celery import shared_task

from finemanwest.resilience import BROKER_ERRORS, DB_ERRORS

from .import_outbox import imports_reconcile
from .import_services import import_batch_apply, import_batch_read
from .models import ImportBatch

INFRA = (*DB_ERRORS, *BROKER_ERRORS)
RETRY = {"autoretry_for": INFRA, "max_retries": 8, "retry_backoff": 2, "retry_backoff_max": 60, "retry_jitter": True}


@shared_task(acks_late=False, **RETRY)
def import_batch_read_task(batch_id: int) -> None:
    import_batch_read(batch=ImportBatch.objects.get(pk=batch_id))


@shared_task(acks_late=False, **RETRY)
def import_batch_apply_task(batch_id: int, actor_id: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    import_batch_apply(batch_id=batch_id, actor=actor)


@shared_task(autoretry_for=DB_ERRORS, max_retries=3, retry_backoff=5)
def imports_reconcile_task() -> dict:
    return imports_reconcile()
