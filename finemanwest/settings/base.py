"""Settings shared by every mode. Every value that differs between machines comes from the environment."""

from pathlib import Path

import environ
from botocore.config import Config as BotoConfig

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded mode: SQLite file, outbox; never committed

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "finemanwest.apps.FinemanWestAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by us (whitenoise), not from a CDN
    "import_export",
    "axes",  # login throttling and lockout (its attempts live in the database, shared by every worker)
    "csp",
    "corsheaders",
    "accounts",
    "invoices",
    "templates_app",
    "escalation",
    "replies",
    "workspace",
    "finemanwest.apps.FinemanWestConfig",  # metrics of queries and tasks (signals)
]

MIDDLEWARE = [
    "finemanwest.metrics.MetricsMiddleware",  # first: a request's time includes every other middleware
    "finemanwest.logging.RequestIdMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that can answer: preflights need no login
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "finemanwest.middleware.PagesLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "finemanwest.logging.RequestLogMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "finemanwest.urls"
WSGI_APPLICATION = "finemanwest.wsgi.application"
ASGI_APPLICATION = "finemanwest.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "finemanwest.context_processors.runtime_mode",
                "finemanwest.context_processors.navigation_counts",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# Embedded default: a SQLite file under var/. Production: DATABASE_URL=postgres://...
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions avoid "database is locked" when two writers meet; WAL lets readers go on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery and the cache ------------------------------------------------------------------
# Without REDIS_URL, tasks run eagerly in the web process, so a fresh laptop needs no broker.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only when it has finished, so a worker that dies mid-task does not lose it;
# the services make a redelivered task harmless. One task reserved per process (prefetch 1): a dead
# worker holds back no more than it was running.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Redis gives an unacknowledged task to another worker after the visibility timeout. 120 s brings a dead
# worker's tasks back within about two minutes (plus the 10 s restore sweep below). It must outlast the
# longest task that is acknowledged late, or a task still running is delivered twice: sending (SES
# connect 5 s + read 30 s + database retries ~16 s) and generation (the Claude calls) get hard time
# limits below it (SHORT_TASK_TIME_LIMIT), and so do retry countdowns (a worker holds a countdown task
# unacknowledged). Imports can run for minutes: their tasks are acknowledged on receipt and a dead
# worker's import is found from its row by the imports reconciler instead.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=120)
SHORT_TASK_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT * 3 // 4
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # kombu sweeps for expired tasks every interval x throttle seconds (100 s by default): every 10 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_timeout": 10,  # a publish to a Redis that vanished fails instead of waiting forever
    "socket_connect_timeout": 5,
}
CELERY_TASK_IGNORE_RESULT = True  # nothing reads task results but the worker ping; it asks for its own
CELERY_RESULT_EXPIRES = 86400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Claude ---------------------------------------------------------------------------------------
# Without a key the offline writer composes emails from the template; health and pages say so.
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY", default="")
ANTHROPIC_MODEL = env("ANTHROPIC_MODEL", default="claude-sonnet-5-5")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL", default="")  # only for local fakes
ANTHROPIC_TIMEOUT_SECONDS = env.float("ANTHROPIC_TIMEOUT_SECONDS", default=60.0)
AI_MODE = "claude" if ANTHROPIC_API_KEY else "offline"

# --- Email ----------------------------------------------------------------------------------------
# SES when a region is configured; otherwise every email is written to var/outbox/ as a file.
AWS_SES_REGION_NAME = env("AWS_SES_REGION_NAME", default="")
AWS_SES_REGION_ENDPOINT = env("AWS_SES_REGION_ENDPOINT", default="")
AWS_SES_CONFIGURATION_SET = env("AWS_SES_CONFIGURATION_SET", default=None)
USE_SES_V2 = True
if AWS_SES_REGION_NAME:
    EMAIL_BACKEND = "django_ses.SESBackend"
    AWS_SES_REGION_ENDPOINT = AWS_SES_REGION_ENDPOINT or f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fineman West <collections@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt of a locked-out username/address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Roles first: they grant nearly every permission asked, so ModelBackend's two permission queries per
    # request run only for what the role does not grant. ModelBackend still does the password check.
    "accounts.auth_backends.RolePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # collectors: the worklist; others: the dashboard
LOGOUT_REDIRECT_URL = "login"

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.OrganizationRolePermission"],
    # JSON only (the import upload adds multipart): our JSON parser refuses control characters in every key
    # and string, and the schema's bodies (nested mappings, lists of ids) have no faithful form encoding.
    "DEFAULT_PARSER_CLASSES": ["finemanwest.api_parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "finemanwest.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.api_mixins.ScopedFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "finemanwest.api_pagination.ApiCursorPagination",
    "EXCEPTION_HANDLER": "finemanwest.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api_auth.PerTokenRateThrottle"],
}
# Per token (per user for session calls): a sync job paging through 100,000 invoices 200 at a time fits.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="1200/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Fineman West API",
    "DESCRIPTION": "Accounts-receivable collections: accounts, invoices, aging snapshots, templates.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No badge image from the online validator: the Content-Security-Policy loads images from us only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "finemanwest.api_schema.document_errors",
        "finemanwest.api_schema.tighten_request_bodies",
        "finemanwest.api_schema.document_sparse_fields",
    ],  # request bodies get their own components: file uploads are binary
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", default="USD")
# How pages write money and dates for an organization that has not chosen its own locale (Organization.locale).
DEFAULT_LOCALE = env("DEFAULT_LOCALE", default="en-US")

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security that holds in every mode ------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # Django's default; the admin's JavaScript does not need it either way
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)

LOG_LEVEL = env("LOG_LEVEL", default="INFO")

# --- Uploaded files and imports -------------------------------------------------------------------
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served publicly: import files are read through views that check access
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# Files larger than this are read and imported by a Celery worker, with progress on the report page.
IMPORT_BACKGROUND_BYTES = env.int("IMPORT_BACKGROUND_BYTES", default=2 * 1024 * 1024)
# django-import-export in the back office follows the model permissions of the user's role.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
ANTHROPIC_MAX_RETRIES = env.int("ANTHROPIC_MAX_RETRIES", default=3)  # the SDK backs off on 429/5xx/overload
# No email is drafted or sent from an aging report older than this (days): the customer may long have paid.
STALE_REPORT_DAYS = env.int("STALE_REPORT_DAYS", default=7)
# Scheduled runs write their drafts through one Message Batch (half the price; results within 24 h, usually
# minutes). Off: every draft is a single call, as for runs a person starts.
ANTHROPIC_BATCHES = env.bool("ANTHROPIC_BATCHES", default=True)
# Claude calls in flight at once across all workers (Redis-backed when REDIS_URL is set), to stay inside
# the API's rate limits during a large run.
ANTHROPIC_CONCURRENCY = env.int("ANTHROPIC_CONCURRENCY", default=8)
# Sending: our own limiter holds the SES quota across workers, so django-ses's per-process one is off.
SES_MAX_SEND_RATE = env.float("SES_MAX_SEND_RATE", default=14.0)
AWS_SES_AUTO_THROTTLE = None
# A draft still "sending" after this long crashed between SES and our commit: a person must check it.
SEND_STALE_MINUTES = env.int("SEND_STALE_MINUTES", default=15)
# The reconcilers run every RECONCILE_SECONDS; a row that should be moving is published again after
# OUTBOX_GRACE_SECONDS without a task, or OUTBOX_STALE_SECONDS after its task was published (lost in the
# broker: longer than a large batch takes to drain at the send rate, so a waiting task is rarely doubled).
RECONCILE_SECONDS = env.float("RECONCILE_SECONDS", default=60.0)
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=60)
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=900)
# An import step still running after this long died with its worker (the hard task limit is shorter).
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
CELERY_BEAT_SCHEDULE = {
    # Each organization's daily run starts at its own hour; the task checks every hour.
    "escalation-daily-runs": {"task": "escalation.tasks.escalation_daily_runs_task", "schedule": 3600.0},
    "reconcile-stuck-sends": {"task": "escalation.tasks.drafts_reconcile_sending_task", "schedule": 300.0},
    # The database is the queue of record: drafts and imports that should be moving get their task again.
    "reconcile-drafts": {"task": "escalation.tasks.drafts_reconcile_task", "schedule": RECONCILE_SECONDS},
    "reconcile-imports": {"task": "invoices.tasks.imports_reconcile_task", "schedule": RECONCILE_SECONDS},
    "writer-batches-poll": {"task": "escalation.tasks.writer_batches_poll_task", "schedule": 60.0},
}
# One attempt per SES call: botocore's own retries would resend a message whose answer was lost
# (a duplicate email); our send task retries only what SES certainly did not take.
AWS_SES_CONFIG = BotoConfig(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
# SNS topics whose SES events are accepted (empty: any topic with a valid AWS signature).
AWS_SNS_EVENT_TRUSTED_TOPIC_ARNS = env.list("AWS_SNS_EVENT_TRUSTED_TOPIC_ARNS", default=[])
AWS_SES_REGION_ENDPOINT_URL = env("AWS_SES_REGION_ENDPOINT_URL", default=None)  # only for a local SES fake

# --- Replies and the customer page (README: "Replies from customers") ---------------------------------------------
# The domain SES receives replies on (an MX record to SES, a receipt rule): every email's Reply-To is
# reply+<signed draft id>@INBOUND_DOMAIN. Empty: no reply address (the organization's reply-to only).
INBOUND_DOMAIN = env("INBOUND_DOMAIN", default="")
# SNS topics whose received-mail notifications are accepted (empty: the SES event topics above).
AWS_SNS_INBOUND_TRUSTED_TOPIC_ARNS = env.list("AWS_SNS_INBOUND_TRUSTED_TOPIC_ARNS", default=[])
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)  # only for a local S3 fake
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=30 * 1024 * 1024)  # SES's own limit for the S3 action
# Links in emails point here (the customer page); no trailing slash.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CUSTOMER_LINK_MAX_AGE_DAYS = env.int("CUSTOMER_LINK_MAX_AGE_DAYS", default=30)
CUSTOMER_PAGE_RATE_PER_MINUTE = env.int("CUSTOMER_PAGE_RATE_PER_MINUTE", default=30)

# Login lockout, Content-Security-Policy, CORS and metrics: see hardening.py.
from .hardening import *  # noqa: E402, F403
