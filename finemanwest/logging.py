"""Logging: a request id on every line, JSON in production, and no personal data anywhere.

The request id comes from ``X-Request-ID`` (when a proxy set a sane one) or is generated, is echoed in
the response, and is attached to every log record emitted while the request is handled.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
user_id_var: ContextVar[str] = ContextVar("user_id", default="-")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# Emails, phone-like digit runs and bearer/token secrets are masked before a line is written.
_REDACTIONS = [
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(?i)\b(token|bearer|api[_-]?key|password|secret)(\s*[:=]?\s*)\S+"), r"\1\2[secret]"),
    (re.compile(r"sk-ant-[A-Za-z0-9_-]+"), "[secret]"),
]
# A phone number has at least nine digits; dates (eight) and invoice numbers stay readable.
_PHONE_CANDIDATE = re.compile(r"(?<![\w.])\+?\(?\d[\d ().-]{7,}\d(?![\w.])")


def _mask_phone(match: re.Match) -> str:
    return "[phone]" if sum(ch.isdigit() for ch in match.group()) >= 9 else match.group()


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return _PHONE_CANDIDATE.sub(_mask_phone, text)


_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class ContextFilter(logging.Filter):
    """Adds request_id and user_id to every record and masks personal data in the message and in the
    extra fields libraries attach (django-ses logs whole SES notifications, addresses included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user_id = getattr(record, "user_id", None) or user_id_var.get()
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for name, value in list(vars(record).items()):
            if name in _STANDARD_ATTRIBUTES or isinstance(value, int | float | bool) or value is None:
                continue
            text = value if isinstance(value, str) else json.dumps(value, default=str)
            setattr(record, name, redact(text))
        return True


def build_logging_config(*, json_lines: bool, level: str = "INFO") -> dict:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "timestamp", "levelname": "level", "name": "logger"},
            "timestamp": False,
        }
        if json_lines
        else {"format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "finemanwest.logging.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our request line replaces Django's own, which would log full URLs with query strings.
            "django.server": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
        },
    }


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


request_logger = logging.getLogger("finemanwest.request")


class RequestLogMiddleware:
    """One line per request: method, path (no query string: it can carry personal data), status, time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        user_id = str(user.pk) if user is not None and user.is_authenticated else "-"
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user_id,
            },
        )
        return response
