"""A large file is read and imported by a real Celery worker while the page shows its progress."""

import time

import pytest
from django.conf import settings

from invoices.import_services import import_batch_confirm
from invoices.models import ImportBatch, Invoice
from invoices.tests.import_helpers import FEBRUARY, import_file

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)"),
    pytest.mark.django_db(transaction=True),
]


def _wait_for(batch, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in statuses:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"import #{batch.pk} stayed {batch.status}")


def test_large_import_runs_in_the_worker(celery_worker_queue, organization, settings):
    settings.IMPORT_BACKGROUND_BYTES = 100  # every file counts as large here
    batch = import_file(organization, FEBRUARY, confirm=False)
    assert batch.status == ImportBatch.Status.STAGING  # handed to the worker, not read in the request
    batch = _wait_for(batch, {ImportBatch.Status.PREVIEWED, ImportBatch.Status.REJECTED})
    assert batch.status == ImportBatch.Status.PREVIEWED, (batch.failure, batch.issues)

    batch = import_batch_confirm(batch=batch)
    assert batch.status == ImportBatch.Status.IMPORTING
    batch = _wait_for(batch, {ImportBatch.Status.COMPLETED, ImportBatch.Status.FAILED})
    assert batch.status == ImportBatch.Status.COMPLETED, batch.failure
    assert Invoice.objects.filter(organization=organization).count() == 4
