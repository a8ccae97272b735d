"""Organization scoping. Every queryset a user can reach goes through ``scoped``.

A model says how it reaches its organization with ``organization_path`` ("organization",
"account__organization", ...). Superusers see every organization; a user without a membership sees
nothing.
"""

from django.db.models import Model, QuerySet

from .models import Organization


def user_organization(user) -> Organization | None:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.organization if membership is not None else None


def scoped(queryset: QuerySet, user) -> QuerySet:
    if user.is_authenticated and user.is_superuser:
        return queryset
    organization = user_organization(user)
    if organization is None:
        return queryset.none()
    return queryset.filter(**{queryset.model.organization_path: organization})


def belongs_to(obj: Model, organization: Organization) -> bool:
    """True when ``obj`` is a row of ``organization`` (follows the model's organization_path)."""
    return type(obj)._default_manager.filter(pk=obj.pk, **{type(obj).organization_path: organization}).exists()
