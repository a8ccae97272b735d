"""A real Celery worker process takes tasks from the real Redis broker and reaches the real database."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import OrganizationFactory
from finemanwest.celery import app
from finemanwest.tasks import worker_ping_task

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker_queue():
    """Start `celery worker` as its own process on a private queue, pointed at the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: PostgreSQL")
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finemanwest.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "finemanwest",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_runs_a_task_from_redis_against_postgresql(worker_queue):
    OrganizationFactory.create_batch(3)
    started = time.monotonic()
    result = worker_ping_task.apply_async(queue=worker_queue).get(timeout=60)
    assert result["database"] == "postgresql"
    assert result["organizations"] == 3  # it saw the rows this test committed
    assert time.monotonic() - started < 60
