"""OpenAPI post-processing: every operation documents the errors the API can answer, so clients generated
from the schema know them (validation 400, 401/403 without the right token or role, 404, 405, 415, 429),
all in the one shape of ``finemanwest.api_errors``."""

import copy
import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from accounts.api_mixins import SparseFieldsMixin

FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    str,
    description="Answer only these fields, comma-separated (e.g. id,invoice_no,total_outstanding).",
)


class AutoSchema(SpectacularAutoSchema):
    """Documents ``?fields=`` on every read of a view that takes it (``accounts.api_mixins.SparseFieldsMixin``),
    and object ids as integers."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if "{id}" in self.path:  # the route takes any segment (a JSON 404 for a non-id); an id is a whole number
            parameters = [*parameters, OpenApiParameter("id", int, OpenApiParameter.PATH, required=True)]
        if isinstance(self.view, SparseFieldsMixin) and self.method == "GET":
            names = "|".join(re.escape(name) for name in self.view.get_serializer_class()().fields)
            pattern = OpenApiParameter(
                FIELDS_PARAMETER.name,
                str,
                description=FIELDS_PARAMETER.description,
                pattern=rf"^(?:(?:{names})(?:,(?:{names}))*)?$",
            )
            parameters = [*parameters, pattern]
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
# Answered by the HTTP server in front of Django (gunicorn's request-line limit), in its own format.
SERVER_ERRORS = {"414": "The URL is longer than the server reads."}


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
            for code, text in SERVER_ERRORS.items():
                operation["responses"].setdefault(code, {"description": text})
    return result


# What the server refuses in every string of a JSON body (finemanwest.api_parsers), and what a required text
# field refuses besides (DRF trims it, then refuses it blank): the schema says so, so generated clients and the
# fuzzer know it.
_ALLOWED = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]"
TEXT = rf"^{_ALLOWED}*$"
NON_BLANK_TEXT = rf"^{_ALLOWED}*[^\s\u0000-\u001f\u007f]{_ALLOWED}*$"


def _tighten(schema: dict) -> None:
    if schema.get("type") == "string" and not ({"format", "enum", "pattern"} & set(schema)):
        schema["pattern"] = NON_BLANK_TEXT if schema.get("minLength", 0) >= 1 else TEXT
    for key in ("oneOf", "anyOf", "allOf"):
        for inner in schema.get(key, []):
            _tighten(inner)
    for inner in schema.get("properties", {}).values():
        _tighten(inner)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _tighten(schema[key])
    if isinstance(schema.get("additionalProperties"), dict):  # a mapping (column_mapping): its keys too
        schema.setdefault("propertyNames", {"pattern": TEXT})


NO_NUL = r"^[^\u0000]*$"
NUMBER_FILTER_LIMIT = 1e50  # django_filters.NumberFilter refuses numbers above it (and none below)


def tighten_request_bodies(result, generator, request, public):
    """Request bodies take only their fields (finemanwest.api_serializers.RefuseUnknownFields) and strings
    without control characters: every ``...Request`` component says so. Response components are left alone."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if schema.get("type") == "number":  # django-filter's bounds
                    schema.setdefault("maximum", NUMBER_FILTER_LIMIT)
                # Django's form fields (filters, search) refuse NUL; DRF's ordering ignores what it does not know.
                free_text = not ({"format", "enum", "pattern"} & set(schema)) and parameter["name"] != "ordering"
                if schema.get("type") == "string" and free_text:
                    schema["pattern"] = NO_NUL
    schemas = result.get("components", {}).get("schemas", {})
    for name in [name for name in schemas if name.endswith("Request")]:
        component = copy.deepcopy(schemas[name])  # inline field schemas may be shared with the response's
        if component.get("type") == "object":
            component.setdefault("additionalProperties", False)
        _tighten(component)
        schemas[name] = component
    return result


def _partial(schemas: dict, name: str) -> str:
    """``Partial<name>``: the component without ``required`` (a page of them, for a paginated list)."""
    partial_name = f"Partial{name}"
    if partial_name not in schemas:
        component = copy.deepcopy(schemas[name])
        items = component.get("properties", {}).get("results", {}).get("items", {})
        if "$ref" in items:  # a page: its own fields stay required, its rows are partial
            items["$ref"] = REF + _partial(schemas, items["$ref"].removeprefix(REF))
        else:
            component.pop("required", None)
            component["description"] = "Only the fields ?fields= asks for (all of them without it)."
        schemas[partial_name] = component
    return partial_name


REF = "#/components/schemas/"


def document_sparse_fields(result, generator, request, public):
    """A read with ``?fields=`` answers only those fields: its 200 says so, with a copy of the component whose
    fields are not required. Every other answer (the object a POST creates) keeps them required."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        operation = operations.get("get")
        if not operation or not any(p.get("name") == "fields" for p in operation.get("parameters", [])):
            continue
        content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        if ref.startswith(REF):
            content["schema"] = {"$ref": REF + _partial(schemas, ref.removeprefix(REF))}
    return result
