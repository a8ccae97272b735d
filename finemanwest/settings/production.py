"""Production: PostgreSQL, Redis, SES, JSON logs, HTTPS only. Refuses to start half-configured."""

from django.core.exceptions import ImproperlyConfigured

from finemanwest.logging import build_logging_config

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env

REQUIRED_VARIABLES = [
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_SES_REGION_NAME",
    "DEFAULT_FROM_EMAIL",
]
_missing = [name for name in REQUIRED_VARIABLES if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured("Production settings need these environment variables: " + ", ".join(_missing))
if env.str("DATABASE_URL").startswith("sqlite"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production, not SQLite.")

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health", r"^metrics$"]  # probes and scrapers inside the network speak plain HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = build_logging_config(json_lines=True, level=LOG_LEVEL)
