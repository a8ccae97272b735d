"""The database is the queue of record: a draft that should be moving has a task in the broker, or the
reconciler publishes one.

A task is published after the transaction that moved the draft commits, and ``task_published_at``
records that it was. Three things lose tasks, and each is found here:

- the publish failed (the broker was down): ``task_published_at`` stays empty; published again after a
  short grace period;
- the broker lost what it held (Redis restarted without persistence, as this machine and many hosted
  plans run it): the broker's own marker key is gone, so everything in motion is published again;
- a task went missing otherwise: published again when it is older than ``OUTBOX_STALE_SECONDS``.

Publishing twice is harmless - generation and sending guard the draft's state - so the reconciler errs
on the side of publishing.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from finemanwest.resilience import task_publish

from ..models import EmailDraft

logger = logging.getLogger(__name__)
S = EmailDraft.Status
MOVING = (S.GENERATING, S.APPROVED, S.QUEUED)
BROKER_MARKER = "finemanwest:broker-marker"
BATCH = 2000  # per reconcile run; the next run takes the rest


def draft_task_publish(*, draft_id: int, status: str) -> bool:
    """Publish the task that moves a ``generating`` or ``queued`` draft on, and note that it was."""
    from ..tasks import draft_generate_task, draft_send_task

    task = draft_generate_task if status == S.GENERATING else draft_send_task
    if not task_publish(task, draft_id):
        return False
    EmailDraft.objects.filter(pk=draft_id).update(task_published_at=timezone.now())
    return True


def drafts_task_publish(*, draft_ids: list[int], status: str) -> None:
    for pk in draft_ids:
        draft_task_publish(draft_id=pk, status=status)


def broker_lost_its_data() -> bool:
    """True once after the broker's Redis lost everything it held (the marker we keep there is gone).
    Raises the broker's error when it cannot be reached: then there is nothing to publish to anyway."""
    if not settings.REDIS_URL:
        return False
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    return bool(client.set(BROKER_MARKER, timezone.now().isoformat(), nx=True))


def drafts_reconcile(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Publish again the tasks of drafts that should be moving but may have none; returns counts by status."""
    from .services import _locked, queue_for_sending

    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    moving = EmailDraft.objects.filter(status__in=MOVING, updated_at__lt=grace).exclude(
        # Drafts a Message Batch is writing wait for it (up to a day); writer_batches_poll finishes them.
        status=S.GENERATING,
        run__writer_batch__status__in=["submitting", "submitted"],
    )
    if not broker_lost_its_data():
        stale = now - datetime.timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
        moving = moving.filter(Q(task_published_at__isnull=True) | Q(task_published_at__lt=stale))
    published: dict[str, int] = {}
    for pk, status in moving.order_by("pk").values_list("pk", "status")[:BATCH]:
        if status == S.APPROVED:  # approved but never queued: queueing publishes its send task
            with transaction.atomic():
                draft = _locked(pk)
                if draft.status == S.APPROVED:
                    queue_for_sending(draft)
            done = True
        else:
            done = draft_task_publish(draft_id=pk, status=status)
        if not done:
            break  # the broker is down again: the next run goes on
        published[status] = published.get(status, 0) + 1
    if published:
        logger.info("outbox: published again %s", published)
    return published
