"""An aging snapshot is a record of what a report said on a date: it is never changed or removed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import ImmutableRowError
from invoices.models import Invoice, InvoiceAgingSnapshot
from invoices.tests.factories import InvoiceAgingSnapshotFactory

pytestmark = pytest.mark.django_db


def test_saving_a_changed_snapshot_raises_and_leaves_it_as_it_was():
    snapshot = InvoiceAgingSnapshotFactory(days_0_30=Decimal("100.00"))
    snapshot.days_0_30 = Decimal("1.00")
    with pytest.raises(ImmutableRowError):
        snapshot.save()
    snapshot.refresh_from_db()
    assert snapshot.days_0_30 == Decimal("100.00")


def test_bulk_update_of_snapshots_raises():
    snapshot = InvoiceAgingSnapshotFactory()
    with pytest.raises(ImmutableRowError):
        InvoiceAgingSnapshot.objects.filter(pk=snapshot.pk).update(days_0_30=Decimal("0"))


def test_deleting_a_snapshot_raises_one_by_one_or_in_bulk():
    snapshot = InvoiceAgingSnapshotFactory()
    with pytest.raises(ImmutableRowError):
        snapshot.delete()
    with pytest.raises(ImmutableRowError):
        InvoiceAgingSnapshot.objects.all().delete()
    assert InvoiceAgingSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_deleting_an_invoice_with_history_is_refused():
    snapshot = InvoiceAgingSnapshotFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=snapshot.invoice_id).delete()
    assert InvoiceAgingSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_one_snapshot_per_invoice_and_date():
    snapshot = InvoiceAgingSnapshotFactory(snapshot_date=datetime.date(2025, 2, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceAgingSnapshotFactory(invoice=snapshot.invoice, snapshot_date=datetime.date(2025, 2, 28))
    InvoiceAgingSnapshotFactory(invoice=snapshot.invoice, snapshot_date=datetime.date(2025, 3, 31))
    assert snapshot.invoice.snapshots.count() == 2


def test_snapshot_total_adds_its_buckets():
    snapshot = InvoiceAgingSnapshotFactory(
        days_0_30=Decimal("10.10"), days_31_60=Decimal("20.20"), days_over_120=Decimal("-5.05")
    )
    assert snapshot.total == Decimal("25.25")
