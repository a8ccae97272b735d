"""A real Celery worker process takes tasks from the real Redis broker and reaches the real database."""

import pytest
from django.conf import settings

from accounts.tests.factories import OrganizationFactory
from finemanwest.tasks import worker_ping_task

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)"),
    pytest.mark.django_db(transaction=True),
]


def test_worker_runs_a_task_from_redis_against_postgresql(celery_worker_queue):
    OrganizationFactory.create_batch(3)
    result = worker_ping_task.apply_async(queue=celery_worker_queue).get(timeout=60)
    assert result["database"] == "postgresql"
    assert result["organizations"] == 3  # it saw the rows this test committed
