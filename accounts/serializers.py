from rest_framework import serializers

from .api_mixins import ScopedPrimaryKeyRelatedField
from .models import Account, AuditEvent, Contact


class ContactSerializer(serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(queryset=Account.objects.all())

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "first_name",
            "last_name",
            "email",
            "phone",
            "is_billing",
            "suppressed_at",
            "suppression_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["suppressed_at", "suppression_reason", "created_at", "updated_at"]

    def validate_email(self, value: str) -> str:
        return value.strip().lower()


class AccountSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "client_id",
            "account_name",
            "currency",
            "escalation_paused",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_client_id(self, value: str) -> str:
        if self.instance is not None and value != self.instance.client_id:
            raise serializers.ValidationError("The client ID of an existing account cannot change.")
        return value


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", default="", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "object_type", "object_id", "object_repr", "payload", "created_at"]
        read_only_fields = fields


class SuppressSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, default="Suppressed by hand")


class MergeSerializer(serializers.Serializer):
    into = ScopedPrimaryKeyRelatedField(
        queryset=Account.objects.all(), help_text="The account that stays; this one's invoices and contacts move to it."
    )
