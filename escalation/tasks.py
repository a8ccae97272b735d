"""Thin tasks: load by primary key, call the service. Retries with backoff and jitter live here; the
service's status guard makes a redelivered task do nothing."""

from celery import shared_task

from .services import draft_generate
from .writing.claude import WriterUnavailable


@shared_task(bind=True, acks_late=True, max_retries=4, autoretry_for=(WriterUnavailable,),
             retry_backoff=10, retry_backoff_max=300, retry_jitter=True)  # fmt: skip
def draft_generate_task(self, draft_id: int) -> None:
    # Run eagerly (embedded mode) nothing can retry later, so the first attempt is also the last.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    draft_generate(draft_id=draft_id, final_attempt=final_attempt)
