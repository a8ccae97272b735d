"""The embedded default: SQLite, eager Celery, emails to var/outbox/, readable logs."""

from finemanwest.logging import build_logging_config

from .base import *  # noqa: F403
from .base import LOG_LEVEL, SECRET_KEY, VAR_DIR

DEBUG = True
# A fixed key is fine on a laptop; production refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = SECRET_KEY or "development-only-key-not-secret-7c1f0e5b9a2d4c8e"
VAR_DIR.mkdir(exist_ok=True)
LOGGING = build_logging_config(json_lines=False, level=LOG_LEVEL)

# Serve static files straight from static/ (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
