"""Building blocks that keep every API endpoint inside the caller's organization."""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404
from django_filters.filters import BooleanFilter, Filter, ModelChoiceFilter, ModelMultipleChoiceFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from .tenancy import scoped, user_organization


class SparseFieldsMixin:
    """``GET ...?fields=id,invoice_no,total_outstanding`` answers only those fields, so a sync job that needs
    three columns of 100,000 invoices does not download (or make us serialize) twenty."""

    def requested_fields(self) -> list[str]:
        if self.request is None or self.request.method not in ("GET", "HEAD"):
            return []
        value = self.request.query_params.get("fields", "")
        return value.split(",") if value else []  # exactly as the schema's pattern: names, commas, no spaces

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

    # Any segment reaches the view, whose lookup answers the API's JSON 404 for one that is not an id (the
    # router's regex would leave it to Django's HTML page, in DEBUG).
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def get_object(self):
        # Python's int() reads " 3" and "\u00a03" as 3: an id is ASCII digits, anything else names no object.
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not (value.isascii() and value.isdigit()):
            raise Http404
        return super().get_object()

    def requesting_organization(self):
        organization = user_organization(self.request.user)
        if organization is None:
            raise PermissionDenied("Writing needs a membership in an organization.")
        return organization


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts rows of the caller's organization."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.context["request"].user)


def _is_integer(filterset, field_name: str) -> bool:
    """The model field a filter compares (across relations: invoice__account) holds whole numbers."""
    model, field = filterset._meta.model, None
    try:
        for part in field_name.split("__"):
            field = model._meta.get_field(part)
            model = field.related_model or model
    except FieldDoesNotExist:  # a lookup (created_at__year): django-filter's own type
        return False
    return isinstance(field, models.IntegerField | models.ForeignKey)


RANGE_SUFFIXES = ("_after", "_before", "_min", "_max")


class IdFilter(Filter):
    field_class = forms.IntegerField  # a whole number: NumberFilter's decimal would take 1.5 for 1

    def filter(self, qs, value):
        if value is not None and not -(2**63) <= value < 2**63:
            return qs.none()  # no row has an id beyond the database's 64-bit keys (SQLite's driver would overflow)
        return super().filter(qs, value)


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every filter that names a row (``?account=12``) compared as a plain id.

    django-filter's own answer for an id that is not a choice is a 400; the list is already the caller's
    organization, so an id of another organization and one that does not exist both answer an empty list,
    like any filter nothing matches – and tell the caller nothing about which ids exist elsewhere.
    """

    # Query parameters that belong to pagination, ordering, search or ?fields=, never to a filter.
    NOT_FILTERS = frozenset({"cursor", "page_size", "ordering", "search", "fields", "format"})

    def filter_queryset(self, request, queryset, view):
        if set(request.query_params) <= self.NOT_FILTERS:
            return queryset  # nothing to filter by: skip building and validating the filter form (1-3 ms a list)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        self._refuse_what_django_filter_ignores(request, filterset)
        if not filterset.is_valid():  # as DjangoFilterBackend.filter_queryset, without building it twice
            raise translate_validation(filterset.errors)
        return filterset.qs

    @staticmethod
    def _refuse_what_django_filter_ignores(request, filterset) -> None:
        """django-filter reads ``?is_billing=null`` and ``?as_of=`` as "no filter" and answers everything; the
        schema says a boolean is true or false and a date or number is one, so those are a 400 here."""
        errors = {}
        for name, value in request.query_params.items():
            choice = filterset.filters.get(name)
            if choice is None and name.endswith(RANGE_SUFFIXES):  # invoice_date_after: invoice_date's
                choice = filterset.filters.get(name.rsplit("_", 1)[0])
                if choice is not None and value == "":
                    errors[name] = ["Give a value, or leave the parameter out."]
                continue
            if choice is None:
                continue
            if isinstance(choice, BooleanFilter) and value not in ("true", "false"):
                errors[name] = ["true or false."]
            elif value == "" and not issubclass(choice.field_class, forms.CharField):
                errors[name] = ["Give a value, or leave the parameter out."]
        if errors:
            raise ValidationError(errors)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for name, choice in list(filterset.filters.items()):
                if isinstance(choice, ModelMultipleChoiceFilter):
                    model = getattr(choice.queryset, "model", None)  # None for a callable: it scopes itself
                    if hasattr(model, "organization_path"):
                        choice.queryset = scoped(model._default_manager.all(), request.user)
                elif isinstance(choice, ModelChoiceFilter) or (
                    type(choice) is NumberFilter and _is_integer(filterset, choice.field_name)
                ):
                    by_id = IdFilter(field_name=choice.field_name, lookup_expr=choice.lookup_expr)
                    by_id.parent, by_id.model = filterset, choice.model
                    filterset.filters[name] = by_id
        return filterset
