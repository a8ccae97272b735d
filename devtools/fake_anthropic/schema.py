"""Structured outputs: the JSON-schema subset the API compiles, a minimal instance of a schema, and validation.

Rules from https://platform.claude.com/docs/en/build-with-claude/structured-outputs § "JSON Schema limitations":
supported are the basic types, ``enum`` of primitives, ``const``, ``anyOf``, ``allOf`` (not with ``$ref``), internal
``$ref``/``$defs``/``definitions``, ``default``, ``required``, ``additionalProperties`` (must be ``false`` for
objects), a fixed list of string ``format`` values, array ``minItems`` 0 or 1, and simple ``pattern``s. Not
supported, "you'll receive a 400 error with details": recursive schemas, complex enums, external ``$ref``, numeric
constraints, ``minLength``/``maxLength``, other array constraints, ``additionalProperties`` other than false;
regex backreferences, lookaround and ``\\b``. Explicit limits (§ "Schema complexity limits"): 24 optional
parameters and 16 union-typed parameters across the request. The docs give no exact 400 texts except "Schema is
too complex for compilation."; the ones below name the offending keyword and path so a test can tell them apart.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import jsonschema

FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"})
UNSUPPORTED_KEYWORDS = {
    "minimum": "numeric constraints",
    "maximum": "numeric constraints",
    "exclusiveMinimum": "numeric constraints",
    "exclusiveMaximum": "numeric constraints",
    "multipleOf": "numeric constraints",
    "minLength": "string constraints",
    "maxLength": "string constraints",
    "maxItems": "array constraints",
    "uniqueItems": "array constraints",
    "contains": "array constraints",
    "minProperties": "object constraints",
    "maxProperties": "object constraints",
    "patternProperties": "object constraints",
    "oneOf": "oneOf",
    "not": "not",
    "if": "conditional schemas",
}
_BAD_REGEX = re.compile(r"\\[1-9]|\(\?[=!<]|\\[bB]")
MAX_OPTIONAL = 24
MAX_UNIONS = 16

_SAMPLE_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "time": "00:00:00",
    "date": "2026-01-01",
    "duration": "P1D",
    "email": "someone@example.com",
    "hostname": "example.com",
    "uri": "https://example.com/",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


class SchemaError(ValueError):
    """A schema the API refuses; ``str(error)`` is the 400 message."""


def check_schema(schema: Any, *, where: str = "output_config.format.schema") -> tuple[int, int]:
    """Raise :class:`SchemaError` for what the API refuses; return (optional parameters, union-typed parameters)."""
    if not isinstance(schema, dict):
        raise SchemaError(f"{where}: Input should be a valid dictionary")
    counts = [0, 0]
    _check(schema, schema, where, counts, resolving=())
    return counts[0], counts[1]


def _check(node: Any, root: dict, path: str, counts: list[int], resolving: tuple[str, ...]) -> None:
    if isinstance(node, bool):
        return
    if not isinstance(node, dict):
        raise SchemaError(f"{path}: a schema must be an object")
    for keyword, what in UNSUPPORTED_KEYWORDS.items():
        if keyword in node:
            raise SchemaError(f"{path}: '{keyword}' is not supported ({what} are not supported in structured outputs)")
    ref = node.get("$ref")
    if ref is not None:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError(f"{path}: external $ref {ref!r} is not supported")
        if ref in resolving:
            raise SchemaError(f"{path}: recursive schemas are not supported ($ref {ref})")
        _check(_resolve(root, ref, path), root, path, counts, (*resolving, ref))
    for key in ("$defs", "definitions"):
        for name, sub in (node.get(key) or {}).items():
            _check_definition(sub, root, f"{path}.{key}.{name}", counts, resolving)
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    enum = node.get("enum", [])
    if not isinstance(enum, list) or any(isinstance(value, dict | list) for value in enum):
        raise SchemaError(f"{path}.enum: only strings, numbers, booleans and null are supported in enum")
    if "object" in kinds or "properties" in node:
        if node.get("additionalProperties") is not False:
            raise SchemaError(f"{path}: For 'object' type, 'additionalProperties' must be explicitly set to false")
        required = set(node.get("required") or [])
        for name, sub in (node.get("properties") or {}).items():
            if name not in required:
                counts[0] += 1
            if isinstance(sub, dict) and (isinstance(sub.get("type"), list) or "anyOf" in sub):
                counts[1] += 1
            _check(sub, root, f"{path}.properties.{name}", counts, resolving)
    if "array" in kinds or "items" in node:
        if node.get("minItems", 0) not in (0, 1):
            raise SchemaError(f"{path}: 'minItems' values other than 0 or 1 are not supported")
        if "items" in node:
            _check(node["items"], root, f"{path}.items", counts, resolving)
    fmt = node.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise SchemaError(f"{path}: string format {fmt!r} is not supported; supported: {', '.join(sorted(FORMATS))}")
    pattern = node.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or _BAD_REGEX.search(pattern):
            raise SchemaError(f"{path}.pattern: backreferences, lookaround and word boundaries are not supported")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SchemaError(f"{path}.pattern: invalid regular expression ({exc})") from None
    for key in ("anyOf", "allOf"):
        for index, sub in enumerate(node.get(key) or []):
            if key == "allOf" and isinstance(sub, dict) and "$ref" in sub:
                raise SchemaError(f"{path}.allOf.{index}: allOf with $ref is not supported")
            _check(sub, root, f"{path}.{key}.{index}", counts, resolving)
    if counts[0] > MAX_OPTIONAL:
        raise SchemaError(f"Schemas contains too many optional parameters ({counts[0]}), limit is {MAX_OPTIONAL}")
    if counts[1] > MAX_UNIONS:
        raise SchemaError(f"Schemas contains too many parameters with union types ({counts[1]}), limit is {MAX_UNIONS}")


def _check_definition(sub: Any, root: dict, path: str, counts: list[int], resolving: tuple[str, ...]) -> None:
    # Definitions are checked for unsupported keywords only; their parameters count where they are referenced.
    _check(sub, root, path, [0, 0], resolving)


def _resolve(root: dict, ref: str, path: str) -> Any:
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/") if ref != "#" else []:
        if not isinstance(node, dict) or part not in node:
            raise SchemaError(f"{path}: $ref {ref!r} does not resolve")
        node = node[part]
    return node


def minimal_instance(schema: dict[str, Any], *, root: dict[str, Any] | None = None, name: str = "value") -> Any:
    """A deterministic instance of ``schema``: required properties only, the first enum/anyOf branch, one array item
    where ``minItems`` is 1, string formats filled, other strings a short sentence naming the property."""
    root = schema if root is None else root
    if "$ref" in schema:
        return minimal_instance(_resolve(root, schema["$ref"], name), root=root, name=name)
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    if schema.get("anyOf"):
        return minimal_instance(schema["anyOf"][0], root=root, name=name)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            part = _resolve(root, part["$ref"], name) if "$ref" in part else part
            for key, value in part.items():
                if key in ("properties",):
                    merged.setdefault(key, {}).update(value)
                elif key == "required":
                    merged.setdefault(key, []).extend(value)
                else:
                    merged[key] = value
        return minimal_instance(merged, root=root, name=name)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None and "properties" in schema:
        kind = "object"
    if kind == "object":
        properties = schema.get("properties") or {}
        required = schema.get("required") or []
        return {key: minimal_instance(properties.get(key) or {}, root=root, name=key) for key in required}
    if kind == "array":
        count = 1 if schema.get("minItems", 0) >= 1 else 0
        return [minimal_instance(schema.get("items") or {}, root=root, name=name) for _ in range(count)]
    if kind == "string":
        return _SAMPLE_FORMATS.get(schema.get("format", ""), f"Sample {name.replace('_', ' ')}.")
    if kind == "integer":
        return 0
    if kind == "number":
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return f"Sample {name}."


def instance_problem(schema: dict[str, Any], instance: Any) -> str | None:
    """Why ``instance`` does not match ``schema`` (with formats checked), or None if it does."""
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"
