from django.conf import settings


def runtime_mode(request):
    """Every page says which mode it runs in, so nobody mistakes the offline writer for Claude."""
    return {
        "ai_mode": settings.AI_MODE,
        "embedded_mode": not settings.REDIS_URL,
        "database_vendor": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


def navigation_counts(request):
    """The numbers in the navigation: drafts waiting for review, imports waiting for confirmation and replies
    waiting for a collector."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "membership"):
        return {}
    from escalation.models import EmailDraft
    from invoices.models import ImportBatch
    from replies.models import InboundMessage

    organization_id = user.membership.organization_id
    return {
        "nav_to_review": EmailDraft.objects.filter(
            organization_id=organization_id, status__in=[EmailDraft.Status.NEEDS_REVIEW, EmailDraft.Status.UNKNOWN]
        ).count(),
        "nav_imports_waiting": ImportBatch.objects.filter(
            organization_id=organization_id,
            status__in=[ImportBatch.Status.PREVIEWED, ImportBatch.Status.NEEDS_MAPPING],
        ).count(),
        "nav_replies_waiting": InboundMessage.objects.filter(
            organization_id=organization_id, status=InboundMessage.Status.OPEN
        ).count(),
    }
