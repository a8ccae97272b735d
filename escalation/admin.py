from django.contrib import admin

from accounts.admin_mixins import OrganizationScopedAdmin, OrganizationScopedMixin, ReadOnlyAdminMixin

from .models import AccountPolicy, CollectionSettings, EmailDraft, EscalationPolicy, EscalationRun, PolicyLevel


@admin.register(CollectionSettings)
class CollectionSettingsAdmin(OrganizationScopedAdmin):
    list_display = ["organization", "sender_name", "sender_email", "small_balance_tolerance", "daily_run_hour"]

    def has_add_permission(self, request):
        return request.user.is_superuser  # one per organization, created with it

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyLevelInline(OrganizationScopedMixin, admin.TabularInline):
    model = PolicyLevel
    extra = 0


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(OrganizationScopedAdmin):
    list_display = ["name", "is_default", "no_skipping"]
    inlines = [PolicyLevelInline]

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.organization = self.requesting_organization(request)
        super().save_model(request, obj, form, change)


@admin.register(AccountPolicy)
class AccountPolicyAdmin(OrganizationScopedAdmin):
    list_display = ["account", "policy"]
    autocomplete_fields = ["account"]


@admin.register(EscalationRun)
class EscalationRunAdmin(ReadOnlyAdminMixin, OrganizationScopedAdmin):
    list_display = ["id", "run_date", "snapshot_date", "status", "started_by", "created_at"]
    list_filter = ["status"]


@admin.register(EmailDraft)
class EmailDraftAdmin(ReadOnlyAdminMixin, OrganizationScopedAdmin):
    """Drafts with their provenance; they change only through the review and delivery services."""

    list_display = ["id", "account", "degree", "status", "writer", "check_passed", "template", "created_at"]
    list_filter = ["status", "degree", "writer", "check_passed"]
    search_fields = ["account__account_name", "account__client_id", "recipient_email", "subject"]
    list_select_related = ["account", "template"]
    date_hierarchy = "created_at"
