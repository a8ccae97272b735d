from django.contrib import admin
from import_export.admin import ImportExportMixin

from accounts.admin_mixins import (
    OrganizationScopedAdmin,
    OrganizationScopedMixin,
    ReadOnlyAdminMixin,
    ScopedImportExportMixin,
)

from .models import ImportBatch, Invoice, InvoiceAgingSnapshot
from .resources import InvoiceResource
from .services import invoice_set_disputed

SNAPSHOT_COLUMNS = ["snapshot_date", *InvoiceAgingSnapshot.BUCKET_FIELDS, "created_at"]
INVOICE_FACTS = [
    "account",
    "invoice_no",
    "invoice_date",
    "due_date",
    "invoice_amount",
    "total_outstanding",
    "closed_at",
]


class SnapshotInline(OrganizationScopedMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = InvoiceAgingSnapshot
    fields = readonly_fields = SNAPSHOT_COLUMNS
    extra = 0


class InvoiceInline(OrganizationScopedMixin, ReadOnlyAdminMixin, admin.TabularInline):
    """On the account page: its invoices, as the imports wrote them."""

    model = Invoice
    fields = readonly_fields = [
        "invoice_no",
        "invoice_date",
        "due_date",
        "total_outstanding",
        "is_disputed",
        "closed_at",
    ]
    extra = 0
    show_change_link = True


class OpenClosedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed (paid)")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "closed":
            return queryset.closed()
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(ScopedImportExportMixin, ImportExportMixin, OrganizationScopedAdmin):
    """Invoices come from aging imports; here staff mark or resolve disputes, and import/export CSV."""

    resource_classes = [InvoiceResource]
    list_display = [
        "invoice_no",
        "account",
        "invoice_date",
        "due_date",
        "total_outstanding",
        "is_disputed",
        "closed_at",
    ]
    list_filter = [OpenClosedFilter, "is_disputed", "invoice_date"]
    search_fields = ["invoice_no", "account__account_name", "account__client_id"]
    list_select_related = ["account"]
    date_hierarchy = "invoice_date"
    readonly_fields = [*INVOICE_FACTS, "created_at", "updated_at"]
    fields = [*INVOICE_FACTS, "is_disputed", "created_at", "updated_at"]
    inlines = [SnapshotInline]
    actions = ["mark_disputed", "resolve_dispute"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        invoice_set_disputed(invoice=obj, disputed=form.cleaned_data["is_disputed"], actor=request.user)

    @admin.action(description="Mark disputed (leave out of emails)", permissions=["change"])
    def mark_disputed(self, request, queryset):
        for invoice in queryset:
            invoice_set_disputed(invoice=invoice, disputed=True, actor=request.user)
        self.message_user(request, f"{queryset.count()} invoice(s) marked disputed; they are left out of emails.")

    @admin.action(description="Resolve dispute", permissions=["change"])
    def resolve_dispute(self, request, queryset):
        for invoice in queryset:
            invoice_set_disputed(invoice=invoice, disputed=False, actor=request.user)
        self.message_user(request, f"Dispute resolved on {queryset.count()} invoice(s).")


@admin.register(InvoiceAgingSnapshot)
class InvoiceAgingSnapshotAdmin(ReadOnlyAdminMixin, OrganizationScopedAdmin):
    list_display = ["invoice", *SNAPSHOT_COLUMNS]
    list_filter = ["snapshot_date"]
    search_fields = ["invoice__invoice_no", "invoice__account__account_name"]
    list_select_related = ["invoice"]
    date_hierarchy = "snapshot_date"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, OrganizationScopedAdmin):
    list_display = [
        "id",
        "file_name",
        "kind",
        "as_of",
        "status",
        "rows_read",
        "error_count",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "created_at"
    exclude = ["file"]  # the upload is kept for the record, not served from the back office
