from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_mixins import OrganizationScopedViewSetMixin
from accounts.permissions import has_perm
from accounts.tenancy import user_organization
from finemanwest.api_schema import CONFLICT

from .degree import accounts_due
from .delivery.services import draft_approve, draft_edit, draft_reject, draft_resolve_unknown, draft_retry
from .models import EmailDraft, EscalationRun, Note, PromiseToPay
from .serializers import (
    DraftEditSerializer,
    DraftSerializer,
    DueReportSerializer,
    NoteSerializer,
    PromiseSerializer,
    RejectSerializer,
    ResolveSerializer,
    RunSerializer,
    RunStartSerializer,
)
from .services import escalation_run_start, note_add, promise_record


class DueView(APIView):
    """Who is due today and why, and who is skipped and why (the same list the collectors see)."""

    permission_classes = [has_perm("escalation.view_emaildraft")]

    @extend_schema(responses=DueReportSerializer)
    def get(self, request):
        organization = user_organization(request.user)
        if organization is None:
            return Response({"on_date": timezone.localdate(), "snapshot_date": None, "due": [], "skipped": []})
        report = accounts_due(organization=organization, on_date=timezone.localdate())
        return Response(DueReportSerializer(report).data)


class RunViewSet(OrganizationScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Escalation runs; `POST` starts today's run (drafts for every due account)."""

    queryset = EscalationRun.objects.all()
    serializer_class = RunSerializer

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    def create(self, request):
        body = RunStartSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        run = escalation_run_start(organization=self.requesting_organization(), actor=request.user,
                                   account_ids=body.validated_data.get("accounts"))  # fmt: skip
        return Response(RunSerializer(run).data, status=201)


class DraftViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Drafted emails with their provenance. Review actions: edit, approve (queues sending), reject."""

    queryset = EmailDraft.objects.all()
    serializer_class = DraftSerializer
    filterset_fields = ["status", "degree", "account", "run", "check_passed"]
    ordering_fields = ["created_at", "degree"]

    def get_permissions(self):
        if self.action in ("approve", "reject", "edit", "send", "resolve"):
            return [has_perm("escalation.change_emaildraft")()]
        return super().get_permissions()

    @extend_schema(request=None, responses={200: DraftSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(DraftSerializer(draft_approve(draft=self.get_object(), actor=request.user)).data)

    @extend_schema(request=RejectSerializer, responses={200: DraftSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = draft_reject(draft=self.get_object(), actor=request.user, reason=body.validated_data.get("reason", ""))
        return Response(DraftSerializer(draft).data)

    @extend_schema(request=None, responses={200: DraftSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send a failed draft again (approved drafts are sent by themselves)."""
        return Response(DraftSerializer(draft_retry(draft=self.get_object(), actor=request.user)).data)

    @extend_schema(request=ResolveSerializer, responses={200: DraftSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Settle a draft whose sending outcome is unknown (the worker died mid-send): sent or not sent."""
        draft = self.get_object()
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            DraftSerializer(draft_resolve_unknown(draft=draft, actor=request.user, **body.validated_data)).data
        )

    @extend_schema(request=DraftEditSerializer, responses={200: DraftSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        body = DraftEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = draft_edit(draft=self.get_object(), actor=request.user, **body.validated_data)
        return Response(DraftSerializer(draft).data)


class NoteViewSet(OrganizationScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    filterset_fields = ["account"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = note_add(account=data["account"], author=self.request.user, text=data["text"])


class PromiseViewSet(OrganizationScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PromiseToPay.objects.all()
    serializer_class = PromiseSerializer
    filterset_fields = ["account"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = promise_record(account=data["account"], actor=self.request.user,
                                             promised_date=data["promised_date"], amount=data["amount"])  # fmt: skip
