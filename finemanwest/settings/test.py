"""Tests: the database follows DATABASE_URL (SQLite or PostgreSQL); everything else is in-process."""

from finemanwest.logging import build_logging_config

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that are about the broker start a real worker and switch eager mode off themselves.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
LOGGING = build_logging_config(json_lines=False, level="WARNING")

# Serve static files straight from static/ (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests never reach the real API: the offline writer by default, the local fake when a test asks for it.
ANTHROPIC_API_KEY = ""
ANTHROPIC_BASE_URL = ""
AI_MODE = "offline"

# The tests' ledgers are dated early 2025; the tests of the rule itself set the production default back
# (escalation/tests/test_holds.py).
STALE_REPORT_DAYS = 100_000
