from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_mixins import ScopedPrimaryKeyRelatedField
from accounts.models import Account
from accounts.tenancy import scoped
from finemanwest.api_serializers import RefuseUnknownFields

from .models import EmailDraft, EscalationRun, Note, PromiseToPay


class DueAccountSerializer(serializers.Serializer):
    account_id = serializers.IntegerField()
    account_name = serializers.CharField()
    client_id = serializers.CharField()
    degree = serializers.IntegerField()
    oldest_days_overdue = serializers.IntegerField()
    total_due = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField()


class DueReportSerializer(serializers.Serializer):
    on_date = serializers.DateField()
    snapshot_date = serializers.DateField(allow_null=True)
    due = DueAccountSerializer(many=True)
    skipped = DueAccountSerializer(many=True)


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationRun
        fields = ["id", "run_date", "snapshot_date", "status", "scheduled", "counts", "started_by", "created_at",
                  "finished_at"]  # fmt: skip
        read_only_fields = fields


class DraftSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailDraft
        fields = [
            "id", "account", "run", "snapshot_date", "degree", "template", "recipient_email", "status",
            "status_reason", "subject", "body_text", "writer", "model", "prompt_hash", "facts", "input_tokens",
            "output_tokens", "cache_creation_tokens", "cache_read_tokens", "cost_usd", "latency_ms", "attempts",
            "check_passed", "check_results", "generation_errors", "approved_by", "approved_at", "ses_message_id",
            "sent_at", "delivered_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DraftEditSerializer(RefuseUnknownFields, serializers.Serializer):
    subject = serializers.CharField(max_length=150)
    body_text = serializers.CharField()


class RejectSerializer(RefuseUnknownFields, serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NoteSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(queryset=Account.objects.all())

    class Meta:
        model = Note
        fields = ["id", "account", "author", "text", "created_at"]
        read_only_fields = ["author", "created_at"]


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^0*(?:[1-9]\d{0,11}(?:\.\d{0,2})?|\.(?:0[1-9]|[1-9]\d?))$"}
)
class PositiveAmountField(serializers.DecimalField):
    """More than zero, at most 12 digits before the point and 2 after – what the service and the table take."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs)


class PromiseSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(queryset=Account.objects.all())
    amount = PositiveAmountField()

    class Meta:
        model = PromiseToPay
        fields = ["id", "account", "promised_date", "amount", "recorded_by", "created_at"]
        read_only_fields = ["recorded_by", "created_at"]


class RunStartSerializer(RefuseUnknownFields, serializers.Serializer):
    accounts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        min_length=1,
        max_length=1000,
        help_text="Only these accounts (their next email now); every due account when left out.",
    )

    def validate_accounts(self, requested: list[int]) -> list[int]:
        """The ids, checked in one query; another organization's look exactly like ones that do not exist."""
        found = set(
            scoped(Account.objects.filter(pk__in=requested), self.context["request"].user).values_list("pk", flat=True)
        )
        missing = sorted(set(requested) - found)
        if missing:
            raise serializers.ValidationError(f"No such account: {', '.join(map(str, missing))}.")
        return sorted(found)


class ResolveSerializer(RefuseUnknownFields, serializers.Serializer):
    was_sent = serializers.BooleanField(help_text="What the SES console or the recipient says happened.")
    message_id = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
