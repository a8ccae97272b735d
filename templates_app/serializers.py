from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .models import EmailTemplate, validate_template_data


class EmailTemplateSerializer(serializers.ModelSerializer):
    activate = serializers.BooleanField(write_only=True, default=False)

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
