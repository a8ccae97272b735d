"""OpenAPI post-processing: every operation documents the errors DRF can answer, so clients generated
from the schema know them (validation 400, 401/403 without the right token or role, 404, 405, 415)."""

ERROR_SCHEMA = {
    "description": 'DRF\'s error body: {"detail": "..."}; for validation errors, messages per field '
    '("non_field_errors" for the whole request), or a list of messages.',
    "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array", "items": {}}],
}
ERRORS = {
    "400": "The request is not valid (the body names each problem).",
    "401": "No valid token or session.",
    "403": "The role of the caller does not allow this.",
    "404": "No such object in the caller's organization.",
    "405": "This endpoint does not take this method.",
    "415": "The request body's content type is not one this endpoint reads.",
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
