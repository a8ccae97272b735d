from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from finemanwest.api_schema import CONFLICT
from finemanwest.conflicts import StateConflict

from .api_mixins import OrganizationScopedViewSetMixin
from .models import Account, AuditEvent, Contact
from .permissions import has_perm
from .serializers import (
    AccountSerializer,
    AccountUpdateSerializer,
    AuditEventSerializer,
    ContactSerializer,
    ContactUpdateSerializer,
    MergeSerializer,
    SuppressSerializer,
)
from .services import (
    account_create,
    account_merge,
    account_update,
    contact_create,
    contact_suppress,
    contact_unsuppress,
    contact_update,
)


@extend_schema_view(
    create=extend_schema(responses={201: AccountSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: AccountSerializer, 409: CONFLICT}),
)
class AccountViewSet(OrganizationScopedViewSetMixin, viewsets.ModelViewSet):
    queryset = Account.objects.prefetch_related("contacts")
    serializer_class = AccountSerializer
    filterset_fields = ["currency", "escalation_paused"]
    search_fields = ["client_id", "account_name", "contacts__email"]
    ordering_fields = ["account_name", "client_id", "created_at"]
    ordering = "account_name"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = account_create(
            organization=self.requesting_organization(), actor=self.request.user, **serializer.validated_data
        )

    def get_serializer_class(self):
        return AccountUpdateSerializer if self.action == "partial_update" else super().get_serializer_class()

    def perform_update(self, serializer):
        serializer.instance = account_update(
            account=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def get_permissions(self):
        if self.action == "merge":
            return [has_perm("accounts.change_account")()]
        return super().get_permissions()

    @extend_schema(request=MergeSerializer, responses={200: AccountSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold this account into ``into`` (one customer under two client IDs); answers the account that stays."""
        source = self.get_object()
        body = MergeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        if body.validated_data["into"].pk == source.pk:
            raise StateConflict("An account cannot be merged into itself.")  # the body is right; the ids meet
        target = account_merge(source=source, target=body.validated_data["into"], actor=request.user)
        return Response(AccountSerializer(self.get_queryset().get(pk=target.pk)).data)


@extend_schema_view(
    create=extend_schema(responses={201: ContactSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: ContactSerializer, 409: CONFLICT}),
)
class ContactViewSet(OrganizationScopedViewSetMixin, viewsets.ModelViewSet):
    queryset = Contact.objects.select_related("account")
    serializer_class = ContactSerializer
    filterset_fields = ["account", "is_billing"]
    search_fields = ["first_name", "last_name", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = contact_create(account=data.pop("account"), actor=self.request.user, **data)

    def get_serializer_class(self):
        return ContactUpdateSerializer if self.action == "partial_update" else super().get_serializer_class()

    def perform_update(self, serializer):
        serializer.instance = contact_update(
            contact=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def get_permissions(self):
        if self.action in ("suppress", "unsuppress"):
            return [has_perm("accounts.change_contact")()]
        return super().get_permissions()

    @extend_schema(request=SuppressSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def suppress(self, request, pk=None):
        """No more emails to this contact until someone lifts it."""
        body = SuppressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = contact_suppress(contact=self.get_object(), actor=request.user, **body.validated_data)
        return Response(ContactSerializer(contact).data)

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def unsuppress(self, request, pk=None):
        """Allow emails to this contact again."""
        return Response(ContactSerializer(contact_unsuppress(contact=self.get_object(), actor=request.user)).data)


class AuditEventViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who did what, when: read-only."""

    queryset = AuditEvent.objects.select_related("content_type")
    serializer_class = AuditEventSerializer
    filterset_fields = ["action", "object_id"]
    ordering_fields = ["created_at"]
