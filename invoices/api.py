from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.api_mixins import OrganizationScopedViewSetMixin
from accounts.permissions import has_perm
from finemanwest.api_errors import error_response
from finemanwest.api_schema import CONFLICT

from .filters import InvoiceFilter, SnapshotFilter
from .import_services import import_batch_confirm, import_batch_create, import_batch_map_columns
from .models import ImportBatch, Invoice, InvoiceAgingSnapshot
from .serializers import (
    ColumnMappingSerializer,
    DisputeSerializer,
    ImportBatchSerializer,
    ImportUploadSerializer,
    InvoiceSerializer,
    SnapshotSerializer,
)
from .services import invoice_set_disputed

DRY_RUN = ["true", "false", "1", "0"]


class InvoiceViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices are written by imports; the API reads them and marks or resolves disputes."""

    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer

    def get_permissions(self):
        if self.action == "dispute":
            return [has_perm("invoices.change_invoice")()]
        return super().get_permissions()

    @extend_schema(request=DisputeSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        body = DisputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice = invoice_set_disputed(invoice=self.get_object(), actor=request.user, **body.validated_data)
        return Response(InvoiceSerializer(invoice).data)

    filterset_class = InvoiceFilter
    search_fields = ["invoice_no"]
    ordering_fields = ["id", "invoice_date", "due_date", "total_outstanding", "invoice_no"]


class SnapshotViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Aging snapshots are immutable records written only by imports."""

    queryset = InvoiceAgingSnapshot.objects.all()
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering_fields = ["id", "snapshot_date"]


class ImportBatchViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Imports: `POST` a CSV (multipart) to read it into a preview; `?dry_run=1` stops there, otherwise a
    file without errors is imported at once. `confirm` imports a previewed batch."""

    queryset = ImportBatch.objects.select_related("uploaded_by")
    serializer_class = ImportBatchSerializer

    def get_parsers(self):
        """The upload is multipart; every other action reads JSON (ours). DRF asks before it sets ``action``."""
        request = getattr(self, "request", None)
        action = getattr(self, "action", None) or (
            self.action_map.get(request.method.lower()) if request is not None and hasattr(self, "action_map") else None
        )
        return [MultiPartParser()] if action == "create" else super().get_parsers()

    filterset_fields = ["status", "kind", "as_of"]
    ordering_fields = ["created_at", "as_of"]

    def get_permissions(self):
        if self.action in ("create", "confirm", "mapping"):
            return [has_perm("invoices.import_file")()]
        return super().get_permissions()

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportBatchSerializer},
        parameters=[OpenApiParameter("dry_run", str, enum=DRY_RUN, description="Preview only; import nothing.")],
    )
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        batch = import_batch_create(
            organization=self.requesting_organization(),
            uploaded_by=request.user,
            file=data["file"],
            file_name=data["file"].name,
            kind=data["kind"],
            as_of=data["as_of"],
            is_complete_report=data["is_complete_report"],
        )
        dry_run = request.query_params.get("dry_run", "false")
        if dry_run not in DRY_RUN:  # as the schema says, not a guess at what "yes" or "maybe" mean
            raise ValidationError({"dry_run": [f"One of {', '.join(DRY_RUN)}."]})
        dry_run = dry_run in ("true", "1")
        if not dry_run and batch.can_confirm:
            batch = import_batch_confirm(batch=batch, actor=request.user)
        body = self.get_serializer(batch).data
        if batch.status == ImportBatch.Status.REJECTED:
            return error_response(
                status=status.HTTP_400_BAD_REQUEST,
                code="import_rejected",
                message=f"{batch.file_name} has errors; nothing was imported. details.import.issues lists each one.",
                details={"import": body},
            )
        if batch.status == ImportBatch.Status.NEEDS_MAPPING:
            return error_response(
                status=status.HTTP_400_BAD_REQUEST,
                code="import_needs_mapping",
                message=f"Some columns of {batch.file_name} are not recognised: map them with POST "
                f"/api/imports/{batch.pk}/mapping/.",
                details={"import": body},
            )
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportBatchSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = import_batch_confirm(batch=self.get_object(), actor=request.user)
        return Response(self.get_serializer(batch).data)

    @extend_schema(request=ColumnMappingSerializer, responses={200: ImportBatchSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        body = ColumnMappingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = import_batch_map_columns(
            batch=self.get_object(), column_mapping=dict(body.validated_data["column_mapping"]), actor=request.user
        )
        return Response(self.get_serializer(batch).data)
