"""Building blocks that keep every API endpoint inside the caller's organization."""

from django_filters.filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from .tenancy import scoped, user_organization


class SparseFieldsMixin:
    """``GET ...?fields=id,invoice_no,total_outstanding`` answers only those fields, so a sync job that needs
    three columns of 100,000 invoices does not download (or make us serialize) twenty."""

    def requested_fields(self) -> list[str]:
        if self.request is None or self.request.method not in ("GET", "HEAD"):
            return []
        return [name.strip() for name in self.request.query_params.get("fields", "").split(",") if name.strip()]

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        requested = self.requested_fields()
        if requested:
            fields = getattr(serializer, "child", serializer).fields
            unknown = [name for name in requested if name not in fields]
            if unknown:
                raise ValidationError(
                    {"fields": [f"No field named {', '.join(unknown)}. The fields are: {', '.join(fields)}."]}
                )
            for name in [name for name in fields if name not in requested]:
                fields.pop(name)
        return serializer


class OrganizationScopedViewSetMixin(SparseFieldsMixin):
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


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every filter that names a row (``?account=12``) limited to the caller's organization.

    Otherwise another organization's account id would be a valid choice answering an empty list, while an id
    that does not exist is a 400 – telling the caller which ids exist elsewhere.
    """

    # Query parameters that belong to pagination, ordering, search or ?fields=, never to a filter.
    NOT_FILTERS = frozenset({"cursor", "page_size", "ordering", "search", "fields", "format"})

    def filter_queryset(self, request, queryset, view):
        if set(request.query_params) <= self.NOT_FILTERS:
            return queryset  # nothing to filter by: skip building and validating the filter form (1-3 ms a list)
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for choice in filterset.filters.values():
                if isinstance(choice, ModelChoiceFilter | ModelMultipleChoiceFilter):
                    model = getattr(choice.queryset, "model", None)  # None for a callable: it scopes itself
                    if hasattr(model, "organization_path"):
                        choice.queryset = scoped(model._default_manager.all(), request.user)
        return filterset
