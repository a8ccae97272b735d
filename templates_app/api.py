from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_mixins import OrganizationScopedViewSetMixin

from .models import EmailTemplate
from .serializers import EmailTemplateSerializer
from .services import template_version_activate, template_version_create


class EmailTemplateViewSet(OrganizationScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Template versions: read any version; POST writes the next version of an identifier."""

    queryset = EmailTemplate.objects.all()
    serializer_class = EmailTemplateSerializer
    filterset_fields = ["identifier", "is_active"]
    ordering_fields = ["identifier", "version", "created_at"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = template_version_create(
            organization=self.requesting_organization(),
            identifier=data["identifier"],
            data=data["data"],
            activate=data.get("activate", False),
            actor=self.request.user,
        )

    @extend_schema(request=None, responses=EmailTemplateSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        template = template_version_activate(template=self.get_object(), actor=request.user)
        return Response(self.get_serializer(template).data, status=status.HTTP_200_OK)
