"""Settings of the web's defences: login lockout (django-axes), Content-Security-Policy (django-csp), CORS,
metrics.

Every value that differs between deployments comes from the environment, with a safe default.
"""

from datetime import timedelta

import environ
from csp.constants import NONCE, NONE, SELF

env = environ.Env()

# --- Login throttling (django-axes) ---------------------------------------------------------------
# On the login page and the back office's login alike: after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for AXES_COOLOFF_MINUTES; each further try during the
# lockout starts the wait again. A good login clears the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_COOLOFF_MESSAGE = "Too many failed logins: this account is locked for a while. Try again later."
# Failed attempts are kept; successful logins are not logged again by axes (our request log has them).
AXES_DISABLE_ACCESS_LOG = True

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------
# Scripts and styles only from our own static files, or inline with this response's nonce
# (``nonce="{{ request.csp_nonce }}"``); no style="" attributes, no on…= handlers, nothing from other sites.
# Swagger UI's stylesheets embed their icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- CORS (django-cors-headers) -------------------------------------------------------------------
# Only the API, and only for the origins listed (none by default: a browser on another site gets no answer
# it may read). Calls carry an API token, not our cookies, so credentials are not allowed cross-origin.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]

# --- Metrics (prometheus-client) ------------------------------------------------------------------
# /metrics answers a scraper that sends "Authorization: Bearer $METRICS_TOKEN" or comes from one of
# METRICS_ALLOWED_NETWORKS (CIDRs, e.g. 10.0.0.0/8); with neither set it is a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])  # whose depth is read from Redis
