from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalation and emails"

    def ready(self):
        from .delivery import events  # noqa: F401  (connects the SES event handlers)
