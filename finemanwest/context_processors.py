from django.conf import settings


def runtime_mode(request):
    """Every page says which mode it runs in, so nobody mistakes the offline writer for Claude."""
    return {
        "ai_mode": settings.AI_MODE,
        "embedded_mode": not settings.REDIS_URL,
        "database_vendor": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
