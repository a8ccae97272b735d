"""Thin tasks for large imports: load by primary key, call the service. The services' status guards make
a redelivered task harmless."""

from celery import shared_task

from .import_services import import_batch_apply, import_batch_read
from .models import ImportBatch


@shared_task(acks_late=True)
def import_batch_read_task(batch_id: int) -> None:
    import_batch_read(batch=ImportBatch.objects.get(pk=batch_id))


@shared_task(acks_late=True)
def import_batch_apply_task(batch_id: int, actor_id: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    import_batch_apply(batch_id=batch_id, actor=actor)
