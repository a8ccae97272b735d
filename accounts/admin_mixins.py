"""The admin side of tenancy: AR staff see and pick only their organization's rows."""

from django.contrib import admin

from .tenancy import scoped, user_organization


def _is_scoped_model(model) -> bool:
    return hasattr(model, "organization_path")


class OrganizationScopedMixin:
    """For ModelAdmin and inlines: scoped lists, scoped foreign-key choices, no organization picker."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if _is_scoped_model(related):
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append("organization")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser and any(f.name == "organization" for f in self.model._meta.fields):
            filters.insert(0, "organization")
        return filters


class OrganizationScopedAdmin(OrganizationScopedMixin, admin.ModelAdmin):
    def requesting_organization(self, request, obj=None):
        """The organization new rows go to: the user's, or (superusers) the one picked in the form."""
        return user_organization(request.user) or getattr(obj, "organization", None)


class ReadOnlyAdminMixin:
    """For records of the past (snapshots, audit events): visible, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def adopt_saved(form_obj, saved) -> None:
    """The admin keeps using the object its form built; make it the row the service saved."""
    form_obj.__dict__.update(saved.__dict__)


class ScopedImportExportMixin:
    """django-import-export in the back office, limited to the user's organization."""

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs),
                "organization": user_organization(request.user), "actor": request.user}  # fmt: skip

    def get_export_queryset(self, request):
        return scoped(super().get_export_queryset(request), request.user)
