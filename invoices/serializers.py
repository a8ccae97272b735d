from rest_framework import serializers

from finemanwest.api_serializers import RefuseUnknownFields

from .importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .models import ImportBatch, Invoice, InvoiceAgingSnapshot


class InvoiceSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)
    # Plain text, not a choice field: its enum would collide in the schema with ImportBatch's "kind".
    kind = serializers.CharField(
        read_only=True, help_text='"invoice", or "unapplied" for a payment or journal entry exported without a number.'
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "account",
            "kind",
            "invoice_no",
            "invoice_date",
            "due_date",
            "invoice_amount",
            "total_outstanding",
            "is_disputed",
            "is_open",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceAgingSnapshot
        fields = [
            "id",
            "invoice",
            "snapshot_date",
            "days_0_30",
            "days_31_60",
            "days_61_90",
            "days_91_120",
            "days_over_120",
            "created_at",
        ]
        read_only_fields = fields


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    can_confirm = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "kind", "status", "status_display", "can_confirm", "file_name", "sha256", "size_bytes",
            "uploaded_by", "as_of", "is_complete_report", "format", "format_label", "encoding", "column_mapping",
            "headers", "preview", "result", "issues", "error_count", "warning_count", "rows_read", "failure",
            "duplicate_of", "created_at", "started_at", "finished_at", "duration_ms",
        ]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(RefuseUnknownFields, serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportBatch.Kind.choices, default=ImportBatch.Kind.AGING)
    as_of = serializers.DateField(required=False, allow_null=True, default=None)
    is_complete_report = serializers.BooleanField(default=True)


# canonical field -> the header of the file that holds it (blank: not in this file), as the mapping page.
MappedColumnsSerializer = type(
    "MappedColumnsSerializer",
    (RefuseUnknownFields, serializers.Serializer),
    {name: serializers.CharField(required=False, allow_blank=True) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)},
)


class ColumnMappingSerializer(RefuseUnknownFields, serializers.Serializer):
    column_mapping = MappedColumnsSerializer(help_text="Each import field, and the header of the file that holds it.")


class DisputeSerializer(RefuseUnknownFields, serializers.Serializer):
    disputed = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
