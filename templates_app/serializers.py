from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finemanwest.api_serializers import RefuseUnknownFields

from .models import TEMPLATE_DATA_FIELDS, EmailTemplate, validate_template_data

_STRING = {"type": "string"}
_NON_BLANK = {"type": "string", "minLength": 1}


@extend_schema_field(
    {
        "type": "object",
        "description": "What the writer starts from (templates_app.models.TEMPLATE_DATA_FIELDS).",
        "required": sorted(TEMPLATE_DATA_FIELDS),
        "additionalProperties": False,
        "properties": {
            "subject": _NON_BLANK,
            "tone": _NON_BLANK,
            "guidance": _STRING,
            "sign_off": _STRING,
            "required_elements": {"type": "array", "items": _NON_BLANK},
        },
    }
)
class TemplateDataField(serializers.JSONField):
    pass


class EmailTemplateSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    activate = serializers.BooleanField(write_only=True, default=False)
    data = TemplateDataField()

    class Meta:
        model = EmailTemplate
        fields = ["id", "identifier", "version", "data", "is_active", "activate", "created_by", "created_at"]
        read_only_fields = ["version", "is_active", "created_by", "created_at"]
        # Version uniqueness is the service's job (it numbers versions); DRF must not pre-check it.
        validators = []

    def validate_data(self, value):
        try:
            validate_template_data(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value
