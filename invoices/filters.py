import django_filters
from django.db.models import OuterRef, Q, QuerySet, Subquery

from .models import Invoice, InvoiceAgingSnapshot

BUCKET_CHOICES = [
    ("days_0_30", "0-30 days"),
    ("days_31_60", "31-60 days"),
    ("days_61_90", "61-90 days"),
    ("days_91_120", "91-120 days"),
    ("days_over_120", "over 120 days"),
]


class InvoiceFilter(django_filters.FilterSet):
    """What an integration asks of invoices: whose, open or closed, disputed, how old, which dates."""

    status = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("closed", "closed")], method="filter_status", help_text="Open or closed."
    )
    bucket = django_filters.ChoiceFilter(
        choices=BUCKET_CHOICES,
        method="filter_bucket",
        help_text="Invoices with a balance in this aging bucket of their latest snapshot.",
    )
    invoice_date = django_filters.DateFromToRangeFilter(help_text="invoice_date_after / invoice_date_before.")
    due_date = django_filters.DateFromToRangeFilter(help_text="due_date_after / due_date_before.")
    outstanding_min = django_filters.NumberFilter(field_name="total_outstanding", lookup_expr="gte")
    outstanding_max = django_filters.NumberFilter(field_name="total_outstanding", lookup_expr="lte")

    class Meta:
        model = Invoice
        fields = ["account", "is_disputed", "invoice_no"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(closed_at__isnull=(value == "open"))

    def filter_bucket(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        latest = InvoiceAgingSnapshot.objects.filter(invoice=OuterRef("pk")).order_by("-snapshot_date")
        return queryset.annotate(latest_in_bucket=Subquery(latest.values(value)[:1])).filter(
            ~Q(latest_in_bucket=0), latest_in_bucket__isnull=False
        )


class SnapshotFilter(django_filters.FilterSet):
    snapshot_date = django_filters.DateFromToRangeFilter(help_text="snapshot_date_after / snapshot_date_before.")
    account = django_filters.NumberFilter(field_name="invoice__account", help_text="The invoices of this account.")

    class Meta:
        model = InvoiceAgingSnapshot
        fields = ["invoice"]
