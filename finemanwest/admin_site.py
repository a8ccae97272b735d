from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404


class HistoryNotFoundMixin:
    """Django's history page answers a missing id with a redirect (302) and an existing one the user may not
    see with 403 – which tells an outsider which ids exist (organizations, users). Both are a 404 here."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)


class FinemanWestAdminSite(admin.AdminSite):
    """The back office. Members of an organization may enter; what they see is scoped and permissioned."""

    site_header = "Fineman West back office"
    site_title = "Fineman West"
    index_title = "Accounts receivable"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return user.is_superuser or hasattr(user, "membership")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin – ours, Django's (users, groups), django-axes' – gets HistoryNotFoundMixin."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HistoryNotFoundMixin):
            admin_class = type(admin_class.__name__, (HistoryNotFoundMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
