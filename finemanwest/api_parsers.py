"""The API's JSON parser: DRF's, plus one rule for every endpoint – no NUL or other control characters in any
key or string. PostgreSQL cannot store NUL in text, and a key such as a column name with one used to end in a
500; other control characters are never meant in our data and hide text from people reading it. Tabs and
line breaks stay allowed (notes and email bodies have several lines)."""

import re

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "Control characters (such as NUL) are not allowed."


def _control_characters(data, path: str) -> list[str]:
    """The paths ("mapping.<key>", "items[2].name") of every key or string that holds a control character."""
    found = []
    if isinstance(data, dict):
        for key, item in data.items():
            where = f"{path}.{key}" if path else str(key)
            if CONTROL.search(str(key)):
                found.append(CONTROL.sub("?", where))
            found += _control_characters(item, where)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found += _control_characters(item, f"{path}[{index}]")
    elif isinstance(data, str) and CONTROL.search(data):
        found.append(CONTROL.sub("?", path) or "non_field_errors")
    return found


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        found = _control_characters(data, "")
        if found:
            # Field errors in the API's error shape: {"error": {"code": "invalid", "details": {path: [...]}}}
            # The first 20 places, and how many more: a body with 100,000 bad keys answers a short error.
            errors = {where: [MESSAGE] for where in found[:20]}
            if len(found) > 20:
                errors["non_field_errors"] = [f"{len(found) - 20:,} more keys or strings hold control characters."]
            raise ValidationError(errors)
        return data
