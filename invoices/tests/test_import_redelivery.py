"""A read or apply task delivered twice does nothing the second time; a batch whose worker died or
whose task was never published is taken up again by the reconciler."""

import datetime

import pytest
from django.utils import timezone

from invoices import import_services
from invoices.import_outbox import imports_reconcile
from invoices.import_services import import_batch_apply, import_batch_confirm, import_batch_read
from invoices.models import ImportBatch, Invoice
from invoices.tests.import_helpers import FEBRUARY, import_file

pytestmark = pytest.mark.django_db
Status = ImportBatch.Status


def _waiting(organization, settings, monkeypatch):
    """A batch handed to a worker: still ``staging``, its task not run."""
    monkeypatch.setattr(import_services, "runs_in_background", lambda batch: True)
    monkeypatch.setattr("invoices.import_outbox.import_task_publish", lambda **kwargs: True)
    batch = import_file(organization, FEBRUARY, confirm=False)
    assert batch.status == Status.STAGING
    monkeypatch.undo()
    return batch


def test_a_read_delivered_again_while_the_first_is_reading_does_nothing(organization, settings, monkeypatch):
    batch = _waiting(organization, settings, monkeypatch)
    stage = import_services._stage

    def stage_and_meet_the_second_delivery(batch_, stream, issues):
        rows = stage(batch_, stream, issues)
        import_batch_read(batch=ImportBatch.objects.get(pk=batch_.pk))  # the broker's second copy
        return rows

    monkeypatch.setattr(import_services, "_stage", stage_and_meet_the_second_delivery)
    batch = import_batch_read(batch=batch)
    assert batch.status == Status.PREVIEWED, batch.issues
    assert batch.preview["invoices"]["new"] == 4  # a 4-row file, staged once
    batch = import_batch_apply(batch_id=batch.pk)
    assert batch.status == Status.COMPLETED and Invoice.objects.count() == 4


def test_an_apply_delivered_twice_imports_once(organization):
    batch = import_file(organization, FEBRUARY, confirm=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.IMPORTING)
    import_batch_apply(batch_id=batch.pk)
    second = import_batch_apply(batch_id=batch.pk)
    assert second.status == Status.COMPLETED and second.result["invoices"]["new"] == 4
    assert Invoice.objects.count() == 4


def test_the_reconciler_reads_a_batch_whose_task_was_lost_and_one_whose_worker_died(organization, settings,
                                                                                   monkeypatch):  # fmt: skip
    lost = _waiting(organization, settings, monkeypatch)
    old = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.filter(pk=lost.pk).update(created_at=old)
    assert imports_reconcile() == {"staging": 1}
    lost.refresh_from_db()
    assert lost.status == Status.PREVIEWED and lost.preview["invoices"]["new"] == 4

    ImportBatch.objects.filter(pk=lost.pk).update(status=Status.READING, started_at=old, rows_read=2)
    assert imports_reconcile() == {"staging": 1}  # back to staging, half-staged rows cleared, read again
    lost.refresh_from_db()
    assert lost.status == Status.PREVIEWED and lost.preview["invoices"]["new"] == 4

    ImportBatch.objects.filter(pk=lost.pk).update(status=Status.IMPORTING, task_published_at=None)
    assert imports_reconcile() == {"importing": 1}
    assert ImportBatch.objects.get(pk=lost.pk).status == Status.COMPLETED
    assert Invoice.objects.count() == 4


def test_confirming_twice_imports_once(organization):
    batch = import_file(organization, FEBRUARY, confirm=False)
    import_batch_confirm(batch=batch)
    assert Invoice.objects.count() == 4
