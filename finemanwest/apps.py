from django.contrib.admin.apps import AdminConfig


class FinemanWestAdminConfig(AdminConfig):
    default_site = "finemanwest.admin_site.FinemanWestAdminSite"
