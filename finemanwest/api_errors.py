"""One shape for every API error, so an integration needs one code path for all of them:

    {"error": {"code": "invalid", "message": "name: This field is required.", "details": {...}}}

``code`` is stable and machine-readable (DRF's codes: ``invalid``, ``not_authenticated``,
``authentication_failed``, ``permission_denied``, ``not_found``, ``method_not_allowed``,
``unsupported_media_type``, ``throttled``, ``parse_error``, plus ours such as ``import_rejected`` and
``conflict`` – 409, the object's state does not allow this now, see ``finemanwest.conflicts``);
``message`` is for people; ``details`` holds field errors for ``invalid`` (``non_field_errors`` for the
whole request) and whatever else helps (``retry_after_seconds`` for ``throttled``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .conflicts import StateConflict


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The object's state does not allow this now."
    default_code = "conflict"


def error_body(*, code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(*, status: int, code: str, message: str, details: dict | None = None) -> Response:
    return Response(error_body(code=code, message=message, details=details), status=status)


def _first_message(detail) -> str:
    """The first message of a (nested) validation error, prefixed by the field it is about."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = _first_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


# A refusal made only of these codes means the row the request would write exists already: a conflict with
# the present state (409), as a second "create client C-1" is, not a body to fix.
UNIQUE_CODES = {"unique", "unique_together"}


def _codes(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for inner in value:
            yield from _codes(inner)
    else:
        yield value


def _is_uniqueness(exc) -> bool:
    if isinstance(exc, DjangoValidationError):
        errors = [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
        codes = [error.code for error in errors]
    elif isinstance(exc, exceptions.ValidationError):
        codes = list(_codes(exc.get_codes()))
    else:
        return False
    return bool(codes) and set(codes) <= UNIQUE_CODES


def _as_drf_exception(exc):
    if isinstance(exc, StateConflict):
        return Conflict(detail=" ".join(exc.messages))
    if _is_uniqueness(exc):
        message = " ".join(exc.messages) if isinstance(exc, DjangoValidationError) else _first_message(exc.detail)
        return Conflict(detail=message)
    if isinstance(exc, DjangoValidationError):  # services raise Django's; answer it like DRF's own
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def exception_handler(exc, context):
    exc = _as_drf_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a bug, answered by ``server_error`` below as a 500
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(code="invalid", message=_first_message(detail), details=detail)
    else:
        details = {"retry_after_seconds": exc.wait} if isinstance(exc, exceptions.Throttled) and exc.wait else {}
        response.data = error_body(code=exc.get_codes(), message=str(exc.detail), details=details)
    return response


def not_found(request, exception=None):
    """404s under /api/ (a URL no route matches) are JSON like the API's own; pages keep Django's page."""
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code="not_found", message="Not found."), status=404)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """Requests Django itself refuses before the API sees them (too many fields, a bad Host) – JSON under /api/."""
    from django.views.defaults import bad_request as page_bad_request

    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(code="bad_request", message=str(exception or "") or "The request could not be read."),
            status=400,
        )
    return page_bad_request(request, exception)


def server_error(request):
    """A bug under /api/ answers JSON (the request id in the logs finds it); pages keep Django's page."""
    from django.views.defaults import server_error as page_server_error

    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(code="server_error", message="Something went wrong on our side; it has been logged."),
            status=500,
        )
    return page_server_error(request)
