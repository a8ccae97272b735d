"""The API of replies: list and read them (with the proposed reading), and act on one as the inbox does. The
actions are the same service calls (``replies.actions``); a reply already answered is a 400 with the reason."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_mixins import OrganizationScopedViewSetMixin, ScopedPrimaryKeyRelatedField
from accounts.models import Account
from accounts.permissions import has_perm
from escalation.serializers import PositiveAmountField
from finemanwest.api_schema import CONFLICT

from . import actions
from .models import InboundAttachment, InboundMessage


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundAttachment
        fields = ["id", "filename", "content_type", "size"]


class ReadingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="promise_to_pay, dispute, already_paid, wrong_contact, out_of_office, "
                                 "question, unsubscribe or other")  # fmt: skip
    label = serializers.CharField()
    summary = serializers.CharField()
    invoices = serializers.ListField(child=serializers.CharField(), help_text="Open invoices of the account named.")
    date = serializers.CharField(help_text="YYYY-MM-DD or empty.")
    amount = serializers.CharField(help_text="A decimal or empty.")
    reason = serializers.CharField()
    reference = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    instructions_in_reply = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())
    ledger = serializers.CharField(required=False, help_text="A claimed payment checked against the open invoices.")


class ReplySerializer(serializers.ModelSerializer):
    reading = serializers.SerializerMethodField(help_text="Null until the reply has been read.")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = InboundMessage
        fields = ["id", "account", "draft", "matched_by", "status", "sender", "sender_name", "subject", "received_at",
                  "reply_text", "text", "reading", "reading_source", "paused_account", "answered_by", "answered_at",
                  "outcome", "attachments"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ReadingSerializer(allow_null=True))
    def get_reading(self, instance) -> dict | None:
        return instance.reading or None


class ResumeSerializer(serializers.Serializer):
    resume = serializers.BooleanField(default=True, help_text="Resume escalation when no other reply is waiting.")


class PromiseActionSerializer(ResumeSerializer):
    promised_date = serializers.DateField()
    amount = PositiveAmountField()


class DisputeActionSerializer(ResumeSerializer):
    invoices = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=200)
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class ContactActionSerializer(ResumeSerializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, allow_blank=True, default="")


class AnsweredActionSerializer(ResumeSerializer):
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class AssignActionSerializer(serializers.Serializer):
    account = ScopedPrimaryKeyRelatedField(queryset=Account.objects.all())


ACTIONS = ("record_promise", "open_dispute", "replace_contact", "mark_answered", "assign")


class ReplyViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Customers' replies, newest first, with the proposed reading. `status=open` is the inbox; an unmatched
    reply has no `account`. The actions apply a reading only when a person (this caller) asks."""

    queryset = InboundMessage.objects.select_related("account").prefetch_related("attachments")
    serializer_class = ReplySerializer
    filterset_fields = ["status", "account", "matched_by"]
    ordering_fields = ["received_at"]

    def get_permissions(self):
        if self.action in ACTIONS:
            return [has_perm("replies.change_inboundmessage")()]
        return [has_perm("replies.view_inboundmessage")()]

    def _run(self, serializer_class, call):
        reply = self.get_object()  # first: another organization's reply is a 404 whatever the body
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return Response(ReplySerializer(call(reply, body.validated_data)).data)

    @extend_schema(request=PromiseActionSerializer, responses={200: ReplySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="record-promise")
    def record_promise(self, request, pk=None):
        return self._run(PromiseActionSerializer, lambda reply, data: actions.reply_record_promise(
            inbound=reply, actor=request.user, **data))  # fmt: skip

    @extend_schema(request=DisputeActionSerializer, responses={200: ReplySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="open-dispute")
    def open_dispute(self, request, pk=None):
        return self._run(DisputeActionSerializer, lambda reply, data: actions.reply_open_dispute(
            inbound=reply, actor=request.user, invoice_nos=data["invoices"], reason=data["reason"],
            resume=data["resume"]))  # fmt: skip

    @extend_schema(request=ContactActionSerializer, responses={200: ReplySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="replace-contact")
    def replace_contact(self, request, pk=None):
        return self._run(ContactActionSerializer, lambda reply, data: actions.reply_replace_contact(
            inbound=reply, actor=request.user, **data))  # fmt: skip

    @extend_schema(request=AnsweredActionSerializer, responses={200: ReplySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="mark-answered")
    def mark_answered(self, request, pk=None):
        return self._run(AnsweredActionSerializer, lambda reply, data: actions.reply_mark_answered(
            inbound=reply, actor=request.user, **data))  # fmt: skip

    @extend_schema(request=AssignActionSerializer, responses={200: ReplySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(AssignActionSerializer, lambda reply, data: actions.reply_assign(
            inbound=reply, actor=request.user, account=data["account"]))  # fmt: skip
