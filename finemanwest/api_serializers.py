"""Request bodies say exactly what they take, and the schema says the same (``finemanwest.api_schema``):

- a key the serializer does not write is a 400 naming it, not silently dropped (``additionalProperties:
  false``), so a client with a misspelt field (``reson``) learns it at once instead of losing the value;
- a JSON value must have the JSON type the schema gives it: DRF would take ``0`` for ``false``, ``"5"`` for
  ``5`` and ``5`` for ``"5"``, which a client generated from the schema never sends and a typo then hides.
"""

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import relations, serializers

MAX_NAMED = 20

# DRF field -> the JSON types its schema allows (checked in order: BooleanField before the integer check,
# as True is an int in Python).
_JSON_TYPES = [
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (relations.PrimaryKeyRelatedField, (int,)),
    (serializers.ListField, (list,)),
    (serializers.DictField, (dict,)),
    (serializers.JSONField, (dict,)),
    (serializers.CharField, (str,)),
    (serializers.ChoiceField, (str,)),
    (serializers.DateField, (str,)),
    (serializers.DateTimeField, (str,)),
    (serializers.DecimalField, (str,)),
]


def _wrong_type(field, value) -> bool:
    if value is None:
        return False  # allow_null is DRF's to refuse, with its own message
    for kind, types in _JSON_TYPES:
        if isinstance(field, kind):
            if (bool not in types and isinstance(value, bool)) or not isinstance(value, types):
                return True
            if isinstance(field, serializers.ListField):
                return any(_wrong_type(field.child, item) for item in value)
            if isinstance(field, serializers.DictField):
                return any(_wrong_type(field.child, item) for item in value.values())
            return False
    return False


class RefuseUnknownFields:
    """Mix into a serializer that reads a request body, before ``Serializer``/``ModelSerializer``."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            errors = {str(key): ["No such field."] for key in data if key not in writable}
            if not isinstance(data, QueryDict):  # JSON, not a form: every value has a JSON type
                errors |= {
                    name: ["Not the type the schema gives this field."]
                    for name, field in writable.items()
                    if name in data and _wrong_type(field, data[name])
                }
            if errors:
                named = dict(sorted(errors.items())[:MAX_NAMED])
                if len(errors) > MAX_NAMED:
                    named["non_field_errors"] = [f"{len(errors) - MAX_NAMED:,} more fields have problems."]
                raise serializers.ValidationError(named)
        return super().to_internal_value(data)
