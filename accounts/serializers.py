from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finemanwest.api_serializers import RefuseUnknownFields
from invoices.selectors import aging_totals_by_account

from .api_mixins import ScopedPrimaryKeyRelatedField
from .currencies import ISO_4217_CODES
from .models import Account, AuditEvent, Contact


class ContactSerializer(RefuseUnknownFields, serializers.ModelSerializer):
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

    def get_validators(self):
        """Not DRF's check of "one billing contact per account": the service moves the flag to the new one."""
        return [v for v in super().get_validators() if tuple(getattr(v, "fields", ())) != ("account",)]


class ContactUpdateSerializer(ContactSerializer):
    """``PATCH``: a contact stays on its account (merge accounts to move people)."""

    account = serializers.PrimaryKeyRelatedField(read_only=True)

    def validate_email(self, value: str) -> str:
        """DRF checks email-per-account only when the account is in the body: here it is the contact's."""
        value = super().validate_email(value)
        others = Contact.objects.filter(account_id=self.instance.account_id, email=value).exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError("The account has a contact with this email already.", code="unique")
        return value


class AgingTotalsSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True, help_text="The latest snapshot date among the open invoices.")
    days_0_30 = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_31_60 = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_61_90 = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_91_120 = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_over_120 = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


AGING_AMOUNTS = [name for name in AgingTotalsSerializer._declared_fields if name != "as_of"]
NO_AGING = {name: Decimal("0.00") for name in AGING_AMOUNTS} | {"as_of": None}


class AccountListSerializer(serializers.ListSerializer):
    """Reads the aging of a whole page of accounts in one query, not one per account."""

    def to_representation(self, data):
        accounts = list(data.all() if hasattr(data, "all") else data)
        if "aging" in self.child.fields:
            self.child.context["aging"] = aging_totals_by_account(account_ids=[account.pk for account in accounts])
        return super().to_representation(accounts)


class AccountSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)
    aging = serializers.SerializerMethodField(help_text="The open balance by aging bucket, from the latest snapshots.")
    currency = serializers.ChoiceField(
        choices=sorted(ISO_4217_CODES), required=False, help_text="ISO 4217; the organization's when left out."
    )

    class Meta:
        model = Account
        fields = [
            "id",
            "client_id",
            "account_name",
            "currency",
            "escalation_paused",
            "aging",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = AccountListSerializer

    @extend_schema_field(AgingTotalsSerializer)
    def get_aging(self, account: Account) -> dict:
        page = self.context.get("aging")
        if page is None:  # a single account
            page = aging_totals_by_account(account_ids=[account.pk])
        aging = page.get(account.pk, NO_AGING)
        # Built by hand, not through AgingTotalsSerializer: a nested serializer per account was most of the
        # list's time (bench/api_bench.py --profile). Same shape, as the schema says.
        return {
            "as_of": aging["as_of"].isoformat() if aging["as_of"] else None,
            **{name: f"{aging[name]:.2f}" for name in AGING_AMOUNTS},
        }


class AccountUpdateSerializer(AccountSerializer):
    """``PATCH``: the client ID is how imports find the account, so it is read-only once the account exists
    (sending it is a 400 like any field the body does not take)."""

    class Meta(AccountSerializer.Meta):
        read_only_fields = [*AccountSerializer.Meta.read_only_fields, "client_id"]


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", default="", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "object_type", "object_id", "object_repr", "payload", "created_at"]
        read_only_fields = fields


class SuppressSerializer(RefuseUnknownFields, serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, default="Suppressed by hand")


class MergeSerializer(RefuseUnknownFields, serializers.Serializer):
    into = ScopedPrimaryKeyRelatedField(
        queryset=Account.objects.all(), help_text="The account that stays; this one's invoices and contacts move to it."
    )
