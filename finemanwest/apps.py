from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class FinemanWestAdminConfig(AdminConfig):
    default_site = "finemanwest.admin_site.FinemanWestAdminSite"


class FinemanWestConfig(AppConfig):
    """The project's own app: it has no models; its ready() starts the metrics that signals feed."""

    name = "finemanwest"

    def ready(self):
        from .metrics import connect_signals

        connect_signals()
