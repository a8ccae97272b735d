"""Building blocks that keep every API endpoint inside the caller's organization."""

from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from .tenancy import scoped, user_organization


class OrganizationScopedViewSetMixin:
    """``queryset`` is narrowed to the caller's organization; new rows are created in it.

    Another organization's object is therefore a 404, never a 403 that would confirm it exists.
    """

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a plain 404 from the router

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def requesting_organization(self):
        organization = user_organization(self.request.user)
        if organization is None:
            raise PermissionDenied("Writing needs a membership in an organization.")
        return organization


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts rows of the caller's organization."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.context["request"].user)
