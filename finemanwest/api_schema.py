"""OpenAPI post-processing: every operation documents the errors the API can answer, so clients generated
from the schema know them (validation 400, 401/403 without the right token or role, 404, 405, 415, 429),
all in the one shape of ``finemanwest.api_errors``."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from accounts.api_mixins import SparseFieldsMixin

FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    str,
    description="Answer only these fields, comma-separated (e.g. id,invoice_no,total_outstanding).",
)


class AutoSchema(SpectacularAutoSchema):
    """Documents ``?fields=`` on every read of a view that takes it (``accounts.api_mixins.SparseFieldsMixin``)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if isinstance(self.view, SparseFieldsMixin) and self.method == "GET":
            parameters = [*parameters, FIELDS_PARAMETER]
        return parameters


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API has this shape (see finemanwest/api_errors.py).",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable: invalid, not_authenticated, authentication_failed, "
                    "permission_denied, not_found, method_not_allowed, unsupported_media_type, throttled, "
                    "parse_error, bad_request, conflict, import_rejected, import_needs_mapping, server_error.",
                },
                "message": {"type": "string", "description": "For people: what went wrong."},
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "For invalid: the messages per field (non_field_errors for the whole "
                    "request); for throttled: retry_after_seconds; for an import: the import.",
                },
            },
        }
    },
}
# The answer of the actions whose services raise finemanwest.conflicts.StateConflict:
# extend_schema(responses={..., 409: CONFLICT}).
CONFLICT = OpenApiResponse(
    {"$ref": "#/components/schemas/Error"},
    description="The object's state does not allow this now (code conflict; the message says why).",
)

ERRORS = {
    "400": "The request is not valid (the body names each problem).",
    "401": "No valid token or session.",
    "403": "The role of the caller does not allow this.",
    "404": "No such object in the caller's organization.",
    "405": "This endpoint does not take this method.",
    "415": "The request body's content type is not one this endpoint reads.",
    "429": "Too many requests with this token: wait for the Retry-After header's seconds.",
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in ERRORS.items():
                if code == "415" and method.lower() not in ("post", "put", "patch"):
                    continue
                operation["responses"].setdefault(
                    code,
                    {
                        "description": text,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
