from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The collector's new pages (today's worklist). The older ones stay in accounts/ and escalation/ for now."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workspace"
