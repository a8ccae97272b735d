"""The default escalation policy: five degrees, a month apart, one template each."""

from decimal import Decimal

from django.db import transaction

from accounts.models import Organization

from .models import CollectionSettings, EscalationPolicy, PolicyLevel

DEFAULT_LEVELS = [
    # degree, minimum days overdue of the oldest open balance, template identifier
    (1, 1, "friendly-reminder"),
    (2, 31, "firm-reminder"),
    (3, 61, "urgent-notice"),
    (4, 91, "final-notice"),
    (5, 121, "pre-collection"),
]


@transaction.atomic
def escalation_policy_default(*, organization: Organization) -> EscalationPolicy:
    """The organization's default policy, created with the standard five levels when it has none."""
    policy = EscalationPolicy.objects.filter(organization=organization, is_default=True).first()
    if policy is None:
        policy = EscalationPolicy.objects.create(organization=organization, name="Standard", is_default=True)
        PolicyLevel.objects.bulk_create(
            PolicyLevel(policy=policy, degree=degree, min_days_overdue=days, template_identifier=identifier,
                        min_balance=Decimal("0.00"), cooldown_days=7, requires_approval=True)
            for degree, days, identifier in DEFAULT_LEVELS
        )  # fmt: skip
    return policy


def collection_settings_get(*, organization: Organization) -> CollectionSettings:
    settings, _ = CollectionSettings.objects.get_or_create(
        organization=organization, defaults={"sender_name": organization.name}
    )
    return settings
