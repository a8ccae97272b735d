from django.contrib import admin


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
