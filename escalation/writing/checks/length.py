"""Length: a subject of 1–150 characters on one line, a body of 80–5,000 characters."""

from __future__ import annotations

SUBJECT_MAX_LENGTH = 150
BODY_MIN_LENGTH = 80
BODY_MAX_LENGTH = 5000


def check_length(subject: str, body: str, failures: dict) -> None:
    stripped = subject.strip()
    if not stripped:
        failures["length"].append("the subject is empty")
    elif len(stripped) > SUBJECT_MAX_LENGTH:
        failures["length"].append(
            f"the subject is {len(stripped)} characters long (at most {SUBJECT_MAX_LENGTH} allowed)"
        )
    if any(char in subject for char in "\r\n\u2028\u2029\x85"):
        failures["length"].append("the subject must be a single line")
    length = len(body.strip())
    if length < BODY_MIN_LENGTH:
        failures["length"].append(f"the body is {length} characters long (at least {BODY_MIN_LENGTH} needed)")
    elif length > BODY_MAX_LENGTH:
        failures["length"].append(f"the body is {length:,} characters long (at most {BODY_MAX_LENGTH:,} allowed)")
