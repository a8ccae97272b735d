from rest_framework import viewsets

from .api_mixins import OrganizationScopedViewSetMixin
from .models import Account, AuditEvent, Contact
from .serializers import AccountSerializer, AuditEventSerializer, ContactSerializer
from .services import account_create, account_update, contact_create, contact_update


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

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k != "client_id"}
        serializer.instance = account_update(account=serializer.instance, actor=self.request.user, **changes)


class ContactViewSet(OrganizationScopedViewSetMixin, viewsets.ModelViewSet):
    queryset = Contact.objects.select_related("account")
    serializer_class = ContactSerializer
    filterset_fields = ["account", "is_billing"]
    search_fields = ["first_name", "last_name", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = contact_create(account=data.pop("account"), actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "account"}
        serializer.instance = contact_update(contact=serializer.instance, actor=self.request.user, **data)


class AuditEventViewSet(OrganizationScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who did what, when: read-only."""

    queryset = AuditEvent.objects.select_related("content_type")
    serializer_class = AuditEventSerializer
    filterset_fields = ["action", "object_id"]
    ordering_fields = ["created_at"]
