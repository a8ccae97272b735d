"""Faults a test queues on the fake Anthropic API (``fake.enqueue(Fault.status(529), ...)``)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

#: Anthropic's error ``type`` for each HTTP status it uses.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

_DEFAULT_ERROR_MESSAGES = {
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit (FakeAnthropic fault).",
    "api_error": "Internal server error (FakeAnthropic fault).",
    "overloaded_error": "Overloaded (FakeAnthropic fault).",
    "timeout_error": "Request timed out (FakeAnthropic fault).",
}

_MALFORMED_BODY = b'{"id": "msg_truncated", "type": "message", "role": "assistant", "content": [{"type": "te'


@dataclass(frozen=True)
class Fault:
    """One queued misbehaviour; build it with the class methods, e.g. ``Fault.status(429, retry_after=1)``."""

    kind: str
    status_code: int = 200
    seconds: float = 0.0
    error_type: str | None = None
    message: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    raw_body: bytes = b""
    content_type: str = "application/json"
    payload: Any = None
    tool_name: str | None = None

    @classmethod
    def status(
        cls,
        code: int,
        *,
        retry_after: float | None = None,
        error_type: str | None = None,
        message: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer ``code`` with an Anthropic error body.

        The error ``type`` follows the real API (429 ``rate_limit_error``, 500 ``api_error``, 529
        ``overloaded_error``, 400 ``invalid_request_error``, ...; other 4xx ``invalid_request_error``, other 5xx
        ``api_error``) unless ``error_type`` is given. ``retry_after`` (seconds) adds a ``retry-after`` header, which
        the SDK honours when it retries; ``headers`` adds any other (e.g. ``{"x-should-retry": "false"}``).
        """
        extra = dict(headers or {})
        if retry_after is not None:
            extra["retry-after"] = _format_seconds(retry_after)
        kind_of_error = error_type or ERROR_TYPES.get(code) or ("api_error" if code >= 500 else "invalid_request_error")
        return cls(
            kind="status",
            status_code=code,
            error_type=kind_of_error,
            message=message or _DEFAULT_ERROR_MESSAGES.get(kind_of_error, f"FakeAnthropic fault: HTTP {code}."),
            headers=tuple(extra.items()),
        )

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, after ``seconds`` (latency)."""
        return cls(kind="delay", seconds=seconds)

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Fault:
        """Read the request, send nothing for ``seconds``, then close the connection without an answer.

        Long enough by default for any client with a sane test timeout to give up. Stopping the fake ends the wait.
        """
        return cls(kind="hang", seconds=seconds)

    @classmethod
    def malformed_json(cls, body: bytes = _MALFORMED_BODY, *, content_type: str = "application/json") -> Fault:
        """Answer 200 with ``content-type: application/json`` and a body that is not JSON (a truncated Message)."""
        return cls(kind="raw", status_code=200, raw_body=body, content_type=content_type)

    @classmethod
    def text_instead_of_tool(cls, text: str = "I'm sorry, I can't help with writing that email.") -> Fault:
        """Answer a valid Message with only a ``text`` block (``stop_reason`` ``end_turn``), even for a forced tool."""
        return cls(kind="text", payload=text)

    @classmethod
    def tool_input(cls, tool_input: dict[str, Any], *, name: str | None = None) -> Fault:
        """Answer one ``tool_use`` block with exactly ``tool_input`` (a copy), bypassing the responder.

        The tool's name is ``name``, else the forced tool, else the request's first tool.
        """
        return cls(kind="tool_input", payload=copy.deepcopy(tool_input), tool_name=name)

    @classmethod
    def drop_connection(cls) -> Fault:
        """Read the request, then close the connection without sending a byte."""
        return cls(kind="drop")

    @classmethod
    def json_response(cls, body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Fault:
        """Answer exactly ``body`` (serialized as JSON) with ``status`` - for shapes the other faults don't cover."""
        return cls(
            kind="raw",
            status_code=status,
            raw_body=json.dumps(body).encode(),
            headers=tuple((headers or {}).items()),
        )


def _format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))
