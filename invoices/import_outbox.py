"""Imports that should be moving have a worker task, or the reconciler publishes one (see
``escalation.delivery.outbox`` for drafts: the same three ways a task is lost apply).

- ``staging``: the read task was never published or was lost: published again.
- ``reading`` for longer than any read may run (``IMPORT_STALE_SECONDS``, above the hard task time
  limit): its worker died; the half-staged rows are cleared and the batch goes back to ``staging``.
- ``importing``: the apply task was never published or was lost, or its worker died (the apply is one
  transaction, so nothing of it stayed): published again; a copy finds the batch locked or completed.

Import tasks are acknowledged on receipt (they may outlast the broker's visibility timeout), so this
is how a dead worker's import comes back.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from finemanwest.resilience import task_publish

from .models import ImportBatch

logger = logging.getLogger(__name__)
Status = ImportBatch.Status


def import_task_publish(*, batch_id: int, status: str, actor_id: int | None = None) -> bool:
    """Publish the worker task of a ``staging`` (read) or ``importing`` (apply) batch, and note that it was."""
    from .tasks import import_batch_apply_task, import_batch_read_task

    args = (batch_id,) if status == Status.STAGING else (batch_id, actor_id)
    if not task_publish(import_batch_read_task if status == Status.STAGING else import_batch_apply_task, *args):
        return False
    ImportBatch.objects.filter(pk=batch_id).update(task_published_at=timezone.now())
    return True


def imports_reconcile(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Publish again the tasks of imports that should be moving but may have none; returns counts."""
    from escalation.delivery.outbox import broker_lost_its_data

    from .import_services import _release_read

    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    dead = now - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    for batch in ImportBatch.objects.filter(status=Status.READING, started_at__lt=dead):
        _release_read(batch)  # its worker died mid-read: read it again from the start
        ImportBatch.objects.filter(pk=batch.pk).update(task_published_at=None)
    moving = ImportBatch.objects.filter(status__in=(Status.STAGING, Status.IMPORTING), created_at__lt=grace)
    if not broker_lost_its_data():
        moving = moving.filter(Q(task_published_at__isnull=True) | Q(task_published_at__lt=dead))
    counts: dict[str, int] = {}
    for pk, status, actor_id in moving.values_list("pk", "status", "uploaded_by_id"):
        if not import_task_publish(
            batch_id=pk, status=status, actor_id=actor_id if status == Status.IMPORTING else None
        ):
            break
        counts[status] = counts.get(status, 0) + 1
    if counts:
        logger.info("imports outbox: published again %s", counts)
    return counts
