from django.db.models import QuerySet

from accounts.tenancy import scoped

from .models import EmailDraft, EscalationRun


def run_list(*, user) -> QuerySet[EscalationRun]:
    return scoped(EscalationRun.objects.select_related("started_by"), user)


def draft_list(*, user) -> QuerySet[EmailDraft]:
    return scoped(EmailDraft.objects.select_related("account", "template", "run"), user)
