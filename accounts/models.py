"""Tenancy (organizations, memberships), the customer side of the ledger (accounts, contacts) and the
audit trail. Every domain row belongs to one organization; see ``accounts.tenancy`` for the scoping."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from .currencies import ISO_4217_CODES
from .formatting import canonical_locale, default_locale


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete a row that is a record of the past."""


class ImmutableQuerySet(models.QuerySet):
    """For records of the past: rows can be added, never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise ImmutableRowError(f"{self.model._meta.verbose_name_plural} are never changed.")

    def delete(self):
        raise ImmutableRowError(f"{self.model._meta.verbose_name_plural} are never deleted.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRowError(f"{self._meta.verbose_name_plural} are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{self._meta.verbose_name_plural} are never deleted.")


def validate_currency(code: str) -> None:
    if code not in ISO_4217_CODES:
        raise ValidationError(f"{code!r} is not an ISO 4217 currency code.", code="invalid_currency")


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


def validate_locale(tag: str) -> None:
    try:
        canonical_locale(tag)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_locale") from None


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Organization(TimestampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    default_currency = models.CharField(max_length=3, default=default_currency, validators=[validate_currency])
    locale = models.CharField(
        max_length=35,
        default=default_locale,
        validators=[validate_locale],
        help_text="How pages write money and dates, as a language and region: en-US, en-GB, de-DE, fr-FR…",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # The canonical shape Organization.save() stores: language, optional script, optional region.
            models.CheckConstraint(
                condition=Q(locale__regex=r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"),
                name="organization_locale_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # "en-us" and "en_US" are stored as "en-US", also by code that skips validation.
        self.locale = self._canonical_locale()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.locale = self._canonical_locale()

    def _canonical_locale(self) -> str:
        try:
            return canonical_locale(self.locale.replace("_", "-"))
        except ValueError:
            return self.locale  # left for the field's validator to report


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    COLLECTOR = "collector", "Collector"
    AR_ADMIN = "ar_admin", "AR admin"


class Membership(TimestampedModel):
    """A user works for exactly one organization, with one role.

    One organization per user keeps every request unambiguous about whose data it may touch; a person
    who works for two organizations has two logins.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"


class OrganizationOwned(models.Model):
    """Rows that belong to an organization directly.

    ``organization_path`` tells ``tenancy.scoped`` how to reach the owner; models that belong to an
    organization through a parent row (a contact through its account) declare their own path.
    """

    organization_path = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Account(OrganizationOwned, TimestampedModel):
    client_id = models.CharField(
        "client ID", max_length=100, help_text="The customer's code or full name in the accounting system."
    )
    account_name = models.CharField(max_length=255)
    currency = models.CharField(max_length=3, default=default_currency, validators=[validate_currency])
    escalation_paused = models.BooleanField(
        default=False, help_text="No collection emails are drafted or sent while paused."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_accounts",
        help_text="For sub-customers (QuickBooks 'Parent:Child', NetSuite 'Parent : Child').",
    )

    class Meta:
        ordering = ["account_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "client_id"], name="account_client_id_unique_per_org"),
            models.CheckConstraint(condition=~Q(client_id=""), name="account_client_id_not_blank"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="account_currency_iso_shape"),
        ]
        indexes = [models.Index(fields=["organization", "account_name"])]

    def __str__(self) -> str:
        return f"{self.account_name} ({self.client_id})"


class Contact(TimestampedModel):
    organization_path = "account__organization"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    is_billing = models.BooleanField("billing contact", default=False)
    suppressed_at = models.DateTimeField(
        null=True, blank=True, help_text="No emails go to a suppressed contact (hard bounce, complaint, or by hand)."
    )
    # db_default: the import inserts contacts with raw SQL and leaves this column out.
    suppression_reason = models.CharField(max_length=200, blank=True, db_default="")

    class Meta:
        ordering = ["-is_billing", "last_name", "first_name"]
        constraints = [
            # The one person collection emails go to.
            models.UniqueConstraint(
                fields=["account"], condition=Q(is_billing=True), name="contact_one_billing_per_account"
            ),
            # Imports match contacts by email within the account.
            models.UniqueConstraint(
                fields=["account", "email"], condition=~Q(email=""), name="contact_email_unique_per_account"
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="contact_email_lowercase"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"Contact {self.pk}"

    def save(self, *args, **kwargs) -> None:
        # Lower-cased here as well as in clean(), so code that skips validation still stores it right.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.email = self.email.strip().lower()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class AuditEvent(OrganizationOwned, ImmutableModel):
    """Who did what to which object, and when. Written by services; never edited or deleted."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system acted on its own (a scheduled run, a worker).",
    )
    action = models.CharField(max_length=80, validators=[RegexValidator(r"^[a-z_]+\.[a-z_]+$")])
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class AccountAlias(OrganizationOwned):
    """Another client ID of an account: left behind when two accounts turned out to be one customer, so the
    next import of the old ID lands on the merged account instead of recreating it."""

    client_id = models.CharField("client ID", max_length=100)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "client_id"], name="account_alias_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.account}"


class ApiToken(models.Model):
    """A secret an integration sends as ``Authorization: Token <secret>``, acting as its user.

    Only a SHA-256 digest of the secret is stored: a leaked database or backup does not hand out API access,
    and the secret is shown once, when the token is created. A plain digest (no salt, no slow hash) is
    enough because the secret is 256 random bits, not a password a person chose.
    """

    PREFIX = "fw_"
    organization_path = "user__membership__organization"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “NetSuite sync”.")
    key_hint = models.CharField(
        max_length=12, editable=False, help_text="The first characters of the secret, to tell tokens apart."
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
