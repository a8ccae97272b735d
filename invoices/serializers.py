from rest_framework import serializers

from .models import Invoice, InvoiceAgingSnapshot


class InvoiceSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "account",
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
