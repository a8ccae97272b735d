from rest_framework import viewsets

from accounts.api_mixins import OrganizationScopedViewSetMixin

from .models import Invoice, InvoiceAgingSnapshot
from .serializers import InvoiceSerializer, SnapshotSerializer


class InvoiceViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices are written by imports; the API reads them."""

    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer
    filterset_fields = ["account", "is_disputed"]
    search_fields = ["invoice_no"]
    ordering_fields = ["invoice_date", "due_date", "total_outstanding", "invoice_no"]


class SnapshotViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Aging snapshots are immutable records written only by imports."""

    queryset = InvoiceAgingSnapshot.objects.all()
    serializer_class = SnapshotSerializer
    filterset_fields = ["invoice", "snapshot_date"]
    ordering_fields = ["snapshot_date"]
