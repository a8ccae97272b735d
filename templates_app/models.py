"""Versioned email templates. A version, once written, is never edited: emails point at the version
they were written from, so that version must stay exactly as it was. Only ``is_active`` moves."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import ImmutableRowError, OrganizationOwned

TEMPLATE_DATA_FIELDS = {
    "subject": str,  # subject line pattern the writer starts from
    "tone": str,  # e.g. "friendly", "firm", "final"
    "guidance": str,  # instructions for the writer (Claude or the offline writer)
    "required_elements": list,  # facts every email of this kind must state
    "sign_off": str,
}


def validate_template_data(data) -> None:
    if not isinstance(data, dict):
        raise ValidationError("Template data must be a JSON object.")
    problems = []
    for key, kind in TEMPLATE_DATA_FIELDS.items():
        value = data.get(key)
        if not isinstance(value, kind):
            problems.append(f"'{key}' must be a {'list of strings' if kind is list else 'string'}")
        elif kind is str and key in ("subject", "tone") and not value.strip():
            problems.append(f"'{key}' must not be empty")
        elif kind is list and not all(isinstance(item, str) and item.strip() for item in value):
            problems.append(f"'{key}' must hold only non-empty strings")
    unknown = sorted(set(data) - set(TEMPLATE_DATA_FIELDS))
    if unknown:
        problems.append("unknown keys: " + ", ".join(unknown))
    if problems:
        raise ValidationError("Template data: " + "; ".join(problems) + ".")


class EmailTemplateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) - {"is_active", "updated_at"}:
            raise ImmutableRowError("Template versions are never edited; create a new version.")
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableRowError("Template versions are never deleted; emails may point at them.")

    def active(self):
        return self.filter(is_active=True)


class EmailTemplate(OrganizationOwned):
    identifier = models.SlugField(max_length=80, help_text="Names the kind of email, e.g. friendly-reminder.")
    version = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    data = models.JSONField(validators=[validate_template_data])
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmailTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["identifier", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "identifier", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["organization", "identifier"],
                condition=Q(is_active=True),
                name="template_one_active_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} v{self.version}{' (active)' if self.is_active else ''}"

    @property
    def subject(self) -> str:
        return self.data.get("subject", "")

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRowError("Template versions are never edited; create a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Template versions are never deleted; emails may point at them.")
