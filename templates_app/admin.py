from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from accounts.admin_mixins import OrganizationScopedAdmin

from .forms import TemplateVersionForm
from .models import EmailTemplate
from .services import template_version_activate, template_version_create


@admin.register(EmailTemplate)
class EmailTemplateAdmin(OrganizationScopedAdmin):
    """Saving a template never edits it: "Save" writes the next version (old ones stay for the emails
    that used them). Activation is a separate, explicit step."""

    form = TemplateVersionForm
    list_display = ["identifier", "version", "is_active", "subject", "created_by", "created_at"]
    list_filter = ["is_active", "identifier"]
    search_fields = ["identifier", "data__subject"]
    readonly_fields = ["version", "is_active", "created_by", "created_at"]
    actions = ["activate_version"]

    def get_fieldsets(self, request, obj=None):
        fields = ["identifier", "subject", "tone", "guidance", "required_elements", "sign_off", "activate"]
        if request.user.is_superuser and obj is None:
            fields.insert(0, "organization")
        return [(None, {"fields": fields}), ("Version", {"fields": self.readonly_fields})]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = ["identifier"] + (["organization"] if request.user.is_superuser and obj is None else [])
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change and form.same_content_as(obj.data):
            # The content is this version's own: ticking "Activate" activates it, and saving writes no identical copy.
            if form.cleaned_data["activate"]:
                request.saved_template_version = template_version_activate(template=obj, actor=request.user)
                request.template_outcome = "activated"
            else:
                request.saved_template_version = obj
                request.template_outcome = "unchanged"
            return
        request.template_outcome = "written"
        request.saved_template_version = template_version_create(
            organization=obj.organization if change else self.requesting_organization(request, obj),
            identifier=obj.identifier,
            data=form.template_data(),
            activate=form.cleaned_data["activate"],
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        pass  # a template version has no related rows to save

    def log_addition(self, request, obj, message):
        return super().log_addition(request, request.saved_template_version, message)

    def log_change(self, request, obj, message):
        if request.template_outcome != "written":
            return super().log_change(request, request.saved_template_version, message)
        return super().log_addition(request, request.saved_template_version, message)

    def _to_new_version(self, request):
        saved = request.saved_template_version
        outcome = getattr(request, "template_outcome", "written")
        if outcome == "activated":
            self.message_user(request, f"{saved.identifier} v{saved.version} is now the active version.",
                              messages.SUCCESS)  # fmt: skip
        elif outcome == "unchanged":
            self.message_user(request, f"Nothing changed: {saved} stays as it is.", messages.WARNING)
        elif saved.is_active:
            self.message_user(request, f"Saved {saved}: new emails use it. Earlier versions are unchanged.",
                              messages.SUCCESS)  # fmt: skip
        else:
            self.message_user(request, f"Saved {saved}, not active: tick Activate (or use the action) to use it. "
                              "Earlier versions are unchanged.", messages.WARNING)  # fmt: skip
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:templates_app_emailtemplate_change", args=[saved.pk]))
        return HttpResponseRedirect(reverse("admin:templates_app_emailtemplate_changelist"))

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_new_version(request)

    def response_change(self, request, obj):
        return self._to_new_version(request)

    @admin.action(description="Activate the selected version", permissions=["change"])
    def activate_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        template = template_version_activate(template=queryset.get(), actor=request.user)
        self.message_user(request, f"{template} is now the active version.", messages.SUCCESS)
