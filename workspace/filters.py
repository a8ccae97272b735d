"""The worklist's filters, one definition for the page (django-filter), validated by its form.

Search and currency narrow the organization's accounts in the database; degree, state and sort are computed per
account by workspace.selectors, so their filters leave the queryset alone and the selector reads the cleaned values.
"""

import django_filters
from django.db.models import Q

from accounts.models import Account

from .selectors import SORTS, STATES


def _computed(queryset, name, value):
    return queryset  # applied by workspace.selectors.worklist_filter


class WorklistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Account or client ID")
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact", label="Currency")
    degree = django_filters.ChoiceFilter(
        choices=[(n, f"Degree {n}") for n in range(1, 6)], method=_computed, label="Degree", empty_label="Any degree"
    )
    state = django_filters.ChoiceFilter(
        choices=list(STATES.items()), method=_computed, label="Show", empty_label="Everything"
    )
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method=_computed, label="Sort by", empty_label=None)

    class Meta:
        model = Account
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(account_name__icontains=value) | Q(client_id__icontains=value)) if value else queryset

    def computed(self) -> dict:
        """The per-account filters, once the form is valid."""
        data = self.form.cleaned_data if self.is_valid() else {}
        degree = data.get("degree")
        return {"degree": int(degree) if degree else None, "state": data.get("state") or "",
                "sort": data.get("sort") or "rank"}  # fmt: skip

    def narrows(self) -> bool:
        return bool(self.is_valid() and (self.form.cleaned_data.get("q") or self.form.cleaned_data.get("currency")))
