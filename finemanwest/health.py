"""Health endpoints for load balancers and operators. No login; no secrets or personal data in bodies."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _health_view(func):
    return login_not_required(never_cache(require_GET(func)))


@_health_view
def health(request):
    return JsonResponse({"status": "ok"})


@_health_view
def health_db(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database is what this endpoint reports
        return JsonResponse({"status": "error", "database": connection.vendor, "error": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@_health_view
def health_ai(request):
    """Offline mode is healthy (it is a supported mode); a Claude mode without a model name is not."""
    mode = settings.AI_MODE
    body = {
        "status": "ok",
        "mode": mode,
        "api_key_configured": bool(settings.ANTHROPIC_API_KEY),
        "model": settings.ANTHROPIC_MODEL if mode == "claude" else None,
    }
    if mode == "claude" and not settings.ANTHROPIC_MODEL:
        body["status"] = "error"
        return JsonResponse(body, status=503)
    return JsonResponse(body)


@_health_view
def health_email(request):
    backend = settings.EMAIL_BACKEND
    body = {"status": "ok", "backend": backend, "delivers": backend == "django_ses.SESBackend"}
    if backend == "django_ses.SESBackend":
        body["region"] = settings.AWS_SES_REGION_NAME
        if not settings.AWS_SES_REGION_NAME:
            body["status"] = "error"
            return JsonResponse(body, status=503)
    return JsonResponse(body)
