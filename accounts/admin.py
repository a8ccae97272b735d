from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin

from invoices.admin import InvoiceInline

from .admin_mixins import (
    OrganizationScopedAdmin,
    OrganizationScopedMixin,
    ReadOnlyAdminMixin,
    ScopedImportExportMixin,
    adopt_saved,
)
from .models import Account, ApiToken, AuditEvent, Contact, Membership, Organization
from .resources import AccountResource, ContactResource
from .services import (
    account_create,
    account_update,
    api_token_create,
    api_token_revoke,
    contact_create,
    contact_update,
)
from .tenancy import user_organization


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Organizations and memberships are set up by the operator, not by AR staff."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "default_currency", "locale", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["organization", "role"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    max_num = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class FinemanWestUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "is_superuser", "membership__organization", "membership__role"]
    list_filter = ["is_superuser", "is_active", "membership__organization", "membership__role"]


class ContactInline(OrganizationScopedMixin, admin.TabularInline):
    model = Contact
    fields = ["first_name", "last_name", "email", "phone", "is_billing"]
    extra = 0


@admin.register(Account)
class AccountAdmin(ScopedImportExportMixin, ImportExportMixin, OrganizationScopedAdmin):
    resource_classes = [AccountResource]
    list_display = ["account_name", "client_id", "currency", "escalation_paused", "updated_at"]
    list_filter = ["escalation_paused", "currency"]
    search_fields = ["account_name", "client_id", "contacts__email", "invoices__invoice_no"]
    inlines = [ContactInline, InvoiceInline]
    actions = ["pause_escalation", "resume_escalation"]

    def get_readonly_fields(self, request, obj=None):
        # The client ID is how imports find the account; it is set once.
        return ["organization", "client_id", "created_at", "updated_at"] if obj else ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            account_update(account=obj, actor=request.user, **changes)
        else:
            created = account_create(
                organization=self.requesting_organization(request, obj),
                client_id=obj.client_id,
                account_name=obj.account_name,
                currency=obj.currency,
                escalation_paused=obj.escalation_paused,
                actor=request.user,
            )
            adopt_saved(obj, created)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contact:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these three lists, which formset.save() would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for contact_form in formset.forms:
            if contact_form in formset.deleted_forms:
                if contact_form.instance.pk:
                    contact_form.instance.delete()
                    formset.deleted_objects.append(contact_form.instance)
                continue
            if not contact_form.has_changed():
                continue
            fields = {name: contact_form.cleaned_data[name] for name in ContactInline.fields}
            if contact_form.instance.pk:
                contact = contact_update(contact=contact_form.instance, actor=request.user, **fields)
                formset.changed_objects.append((contact, contact_form.changed_data))
            else:
                contact = contact_create(account=form.instance, actor=request.user, **fields)
                formset.new_objects.append(contact)

    @admin.action(description="Pause escalation", permissions=["change"])
    def pause_escalation(self, request, queryset):
        for account in queryset:
            account_update(account=account, actor=request.user, escalation_paused=True)
        self.message_user(request, f"Escalation paused for {queryset.count()} account(s).")

    @admin.action(description="Resume escalation", permissions=["change"])
    def resume_escalation(self, request, queryset):
        for account in queryset:
            account_update(account=account, actor=request.user, escalation_paused=False)
        self.message_user(request, f"Escalation resumed for {queryset.count()} account(s).")


@admin.register(Contact)
class ContactAdmin(ScopedImportExportMixin, ImportExportMixin, OrganizationScopedAdmin):
    resource_classes = [ContactResource]
    list_display = ["__str__", "email", "phone", "account", "is_billing"]
    list_filter = ["is_billing"]
    search_fields = ["first_name", "last_name", "email", "account__account_name", "account__client_id"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ["first_name", "last_name", "email", "phone", "is_billing"]}
        if change:
            contact_update(contact=obj, actor=request.user, **fields)
        else:
            created = contact_create(account=form.cleaned_data["account"], actor=request.user, **fields)
            adopt_saved(obj, created)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, OrganizationScopedAdmin):
    list_display = ["created_at", "action", "object_repr", "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_repr"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]


@admin.register(ApiToken)
class ApiTokenAdmin(OrganizationScopedAdmin):
    """AR admins create and revoke tokens for the people of their organization. Tokens are never edited:
    a new one is created and the old one revoked, so each secret has one history."""

    list_display = ["name", "user", "key_hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_hint"]
    fields = ["user", "name"]
    actions = ["revoke"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(membership__organization=user_organization(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["user", "name"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay listed: the audit trail points at them

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, secret = api_token_create(user=form.cleaned_data["user"], name=form.cleaned_data["name"])
        adopt_saved(obj, token)
        request.new_api_token_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # Shown on this one page, never stored: not even in the session's messages.
        context = {
            **self.admin_site.each_context(request),
            "token": obj,
            "secret": request.new_api_token_secret,
            "opts": self.opts,
            "title": "API token created",
        }
        return TemplateResponse(request, "admin/accounts/apitoken/created.html", context)

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user)
            revoked += 1
        messages.success(request, f"{revoked} token(s) revoked; requests with them are refused from now on.")
