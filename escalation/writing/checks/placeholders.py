"""Placeholders a writer left unfilled: ``{...}``, ``{{...}}``, ``[...]``, ``<WORD ...>``, ``XXX``, ``TBD``, ``___``."""

from __future__ import annotations

import re

from .masking import blank

_PLACEHOLDERS = (
    re.compile(r"\{\{[^\n]{0,80}?\}\}"),
    re.compile(r"\{[^\n{}]{0,80}\}"),
    re.compile(r"\[[^\n\[\]]{1,80}\]"),
    re.compile(r"<\s*[A-Za-z_][^\n<>]{0,60}>"),
    re.compile(r"(?<![A-Za-z])(?:[Xx]{3,}|TBD|TBC|tbd|tbc)(?![A-Za-z])"),
    re.compile(r"_{3,}"),
)


def check_placeholders(text: str, masked: str, failures: dict) -> tuple[list[str], str]:
    found: list[str] = []
    for pattern in _PLACEHOLDERS:
        for match in pattern.finditer(masked):
            raw = text[match.start() : match.end()]
            if raw.startswith("[") and not any(char.isalnum() for char in match.group(0)):
                continue  # a bracketed link or other trusted text
            if raw not in found:
                found.append(raw)
                failures["placeholders"].append(f'unfilled placeholder "{raw}"')
            masked = blank(masked, match.start(), match.end())
    return found, masked
