"""A local fake of the Anthropic Messages API, for testing code that uses the real ``anthropic`` SDK offline.

Start it on 127.0.0.1 (a free port) and point the SDK at it::

    with FakeAnthropic() as fake:
        client = anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=0, timeout=2)
        fake.enqueue(Fault.status(429, retry_after=1))  # the next request is rate limited
        message = client.messages.create(...)
        assert fake.requests[-1].body["model"] == "claude-sonnet-5-5"

Endpoints:

* ``POST /v1/messages`` - checks what the real API checks first (credentials, ``anthropic-version``, ``model``,
  ``max_tokens``, ``messages``; a forced ``tool_choice`` must name one of ``tools``), then answers a non-streaming
  Message. A forced tool (``tool_choice`` ``{"type": "tool", "name": X}``, or ``{"type": "any"}`` = the first tool)
  is answered with one ``tool_use`` block whose input is ``fake.responder(request_json)``; anything else with one
  ``text`` block, ``fake.text_responder(request_json)``. ``"stream": true`` is refused with a 400.
* ``POST /v1/messages/count_tokens`` - ``{"input_tokens": N}``.
* Anything else - 404 in Anthropic's error shape.

Credentials: the installed SDK (anthropic 2.14) sends ``api_key`` as ``Authorization: Bearer <key>``; the documented
HTTP API (and older SDKs) use ``x-api-key``. Both are accepted; a request with neither is a 401
``authentication_error``.

Token counts are estimates (about 4 characters a token), deterministic for a given request.

Prompt caching: the cacheable prefix is ``tools``, then ``system`` blocks, then the messages' content blocks, up to a
block carrying ``cache_control`` (a breakpoint). The first request with a given prefix (same model, same content;
the ``cache_control`` markers themselves do not count) reports it as ``cache_creation_input_tokens``; a later request
with the same prefix reports it as ``cache_read_input_tokens``. Set ``min_cacheable_tokens`` to mimic the real API
silently not caching short prefixes (1024 tokens for most models); the default 0 caches everything.

Faults: ``fake.enqueue(Fault.status(529), Fault.hang(), ...)`` - each ``POST /v1/messages`` consumes the next queued
fault, in order; when the queue is empty, requests are answered normally. Transport and status faults (``status``,
``hang``, ``drop_connection``, ``malformed_json``, ``json_response``) act before the request is validated, like a
failing network or overloaded front end; content faults (``delay``, ``text_instead_of_tool``, ``tool_input``) answer
a valid request, so a request that fails validation still consumes them. ``count_tokens`` requests do not consume
faults.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, overload
from urllib.parse import urlsplit

from devtools.local_server import CloseWithoutAnswer, LocalHandler, TrackingHTTPServer

__all__ = ["FakeAnthropic", "Fault", "RecordedRequest", "RequestLog", "collection_email_responder"]

log = logging.getLogger(__name__)

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"

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

Responder = Callable[[dict[str, Any]], dict[str, Any]]
TextResponder = Callable[[dict[str, Any]], str]


# --------------------------------------------------------------------------------------------------------- faults


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


# ------------------------------------------------------------------------------------------------ recorded requests


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the fake received. ``headers`` has lower-case names; ``body`` is the parsed JSON (or None)."""

    method: str
    path: str
    headers: MappingProxyType[str, str]
    body: Any
    raw_body: bytes = field(repr=False)
    received_at: float = field(repr=False)


class RequestLog(Sequence[RecordedRequest]):
    """A thread-safe, append-only (until ``clear``) list of the requests received, oldest first."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def to(self, path: str) -> list[RecordedRequest]:
        """The requests made to ``path`` (e.g. ``"/v1/messages"``)."""
        return [request for request in self.snapshot() if request.path == path]

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            return self._items[index]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({self.snapshot()!r})"


# ----------------------------------------------------------------------------------------------- default responder


def collection_email_responder(request_json: dict[str, Any]) -> dict[str, Any]:
    """The default tool responder: a collection email ``{"subject": ..., "body": ...}`` written from the facts.

    The facts are the text of the LAST user message, parsed as JSON (the whole text, else a single text block, else
    the span from its first ``{`` to its last ``}``). The expected shape - every key is optional and a few aliases are
    accepted::

        {
          "account": {"name": "Riverbend Office Supply"},   # or "account": "...", "account_name", "customer_name"
          "currency": "USD",                                 # or "currency_code"; also read from account/invoices
          "total_due": "1234.50",                            # or "total_outstanding", "amount_due", "balance_due"
          "invoices": [                                      # or "open_invoices", "overdue_invoices", "items"
            {"invoice_no": "INV-1001",                       # or "number", "invoice_number", "id"
             "outstanding": "1000.00",                       # or "total_outstanding", "amount_due", "balance", "amount"
             "due_date": "2025-01-31", "days_overdue": 45}   # optional, shown when present
          ]
        }

    A top-level ``"facts"`` object is unwrapped. Without ``total_due`` the invoices' outstanding amounts are summed;
    without a currency, ``USD`` is assumed. Amounts are written ``USD 1,234.50``. The body names the account, the
    total due with its currency and every invoice number. Required properties of the forced tool's
    ``input_schema`` that this doesn't produce are filled with empty values of their type.
    """
    facts = _facts_from_request(request_json)
    account = _account_name(facts)
    currency = _currency(facts)
    invoices = _invoices(facts)
    total = _amount(_first(facts, "total_due", "total_outstanding", "amount_due", "balance_due", "total"))
    if total is None:
        amounts = [invoice["amount"] for invoice in invoices if invoice["amount"] is not None]
        total = sum(amounts, Decimal(0)) if amounts else None

    money = _money(total, currency) if total is not None else None
    subject = "Payment reminder"
    if money:
        subject += f": {money} outstanding"
    if account:
        subject += f" - {account}"

    lines = [f"Dear {account} accounts payable team," if account else "Hello,", ""]
    balance = f"an outstanding balance of {money}" if money else "an outstanding balance"
    lines.append(f"Our records show {balance} on your account" + (f" ({account})." if account else "."))
    if invoices:
        lines += ["", "The following invoices remain open:"]
        for invoice in invoices:
            details = []
            if invoice["amount"] is not None:
                details.append(_money(invoice["amount"], invoice["currency"] or currency))
            if invoice["due_date"]:
                details.append(f"due {invoice['due_date']}")
            if invoice["days_overdue"] not in (None, ""):
                details.append(f"{invoice['days_overdue']} days overdue")
            lines.append(f"- {invoice['number']}" + (f": {', '.join(details)}" if details else ""))
    lines += [
        "",
        "Please arrange payment at your earliest convenience, or reply to this email if any of these amounts "
        "look incorrect to you.",
        "",
        "Kind regards,",
        "Accounts Receivable",
    ]
    result: dict[str, Any] = {"subject": subject, "body": "\n".join(lines)}
    _fill_required(result, _forced_tool_schema(request_json))
    return result


def default_text_responder(request_json: dict[str, Any]) -> str:
    """The default answer to a request without a forced tool."""
    return "Hello from FakeAnthropic."


def _last_user_text(request_json: dict[str, Any]) -> list[str]:
    for message in reversed(request_json.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return [content]
            if isinstance(content, list):
                return [
                    block["text"]
                    for block in content
                    if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
                ]
            return []
    return []


def _facts_from_request(request_json: dict[str, Any]) -> dict[str, Any]:
    texts = _last_user_text(request_json)
    candidates = ["\n".join(texts), *texts]
    joined = candidates[0]
    if "{" in joined and "}" in joined:
        candidates.append(joined[joined.index("{") : joined.rindex("}") + 1])
    for candidate in candidates:
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            inner = parsed.get("facts")
            return inner if isinstance(inner, dict) else parsed
    return {}


def _first(mapping: Any, *keys: str) -> Any:
    if not isinstance(mapping, dict):
        return None
    for key in keys:
        if mapping.get(key) not in (None, ""):
            return mapping[key]
    return None


def _account_name(facts: dict[str, Any]) -> str | None:
    account = facts.get("account")
    if isinstance(account, dict):
        name = _first(account, "name", "account_name", "display_name", "client_name")
    else:
        name = account
    name = name or _first(facts, "account_name", "customer_name", "customer", "client_name", "client")
    if isinstance(name, dict):
        name = _first(name, "name")
    return str(name) if name not in (None, "") else None


def _currency(facts: dict[str, Any]) -> str:
    currency = _first(facts, "currency", "currency_code") or _first(facts.get("account"), "currency", "currency_code")
    if not currency:
        for invoice in facts.get("invoices") or []:
            currency = _first(invoice, "currency", "currency_code")
            if currency:
                break
    return str(currency or "USD")


def _invoices(facts: dict[str, Any]) -> list[dict[str, Any]]:
    raw = _first(facts, "invoices", "open_invoices", "overdue_invoices", "items") or []
    invoices = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            if item not in (None, ""):
                invoices.append(
                    {"number": str(item), "amount": None, "currency": None, "due_date": None, "days_overdue": None}
                )
            continue
        number = _first(item, "invoice_no", "number", "invoice_number", "invoice_id", "id")
        if number is None:
            continue
        invoices.append(
            {
                "number": str(number),
                "amount": _amount(
                    _first(item, "outstanding", "total_outstanding", "amount_due", "balance", "open_amount", "amount")
                ),
                "currency": _first(item, "currency", "currency_code"),
                "due_date": _first(item, "due_date", "due"),
                "days_overdue": _first(item, "days_overdue", "days_past_due"),
            }
        )
    return invoices


def _amount(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):  # {"amount": "1.00", "currency": "USD"}
        return _amount(_first(value, "amount", "value"))
    cleaned = re.sub(r"[^\d.\-]", "", str(value))
    try:
        return Decimal(cleaned) if cleaned else None
    except InvalidOperation:
        return None


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def _forced_tool(request_json: dict[str, Any]) -> dict[str, Any] | None:
    """The tool the request forces (``tool_choice`` type ``tool``, or ``any`` = the first tool), if any."""
    tools = [tool for tool in request_json.get("tools") or [] if isinstance(tool, dict)]
    choice = request_json.get("tool_choice")
    if not tools or not isinstance(choice, dict):
        return None
    if choice.get("type") == "tool":
        return next((tool for tool in tools if tool.get("name") == choice.get("name")), None)
    if choice.get("type") == "any":
        return tools[0]
    return None


def _forced_tool_schema(request_json: dict[str, Any]) -> dict[str, Any]:
    tool = _forced_tool(request_json) or {}
    schema = tool.get("input_schema")
    return schema if isinstance(schema, dict) else {}


def _fill_required(result: dict[str, Any], schema: dict[str, Any]) -> None:
    empty_by_type = {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for name in schema.get("required") or []:
        if name not in result:
            kind = (properties.get(name) or {}).get("type")
            result[name] = copy.deepcopy(empty_by_type.get(kind if isinstance(kind, str) else "", ""))


# ----------------------------------------------------------------------------------------------------- token counts


def _estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return max(1, (len(text) + 3) // 4)


def _block_text(block: Any) -> Any:
    """What a content block costs: its text for text blocks, the whole block otherwise; never ``cache_control``."""
    if isinstance(block, dict):
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            return block["text"]
        return {key: value for key, value in block.items() if key != "cache_control"}
    return block


def _prompt_segments(request_json: dict[str, Any]) -> list[tuple[Any, dict[str, Any] | None]]:
    """The prompt in cache order (tools, system, messages) as ``(content, cache_control)`` pairs."""
    segments: list[tuple[Any, dict[str, Any] | None]] = []
    for tool in request_json.get("tools") or []:
        segments.append((_block_text(tool), tool.get("cache_control") if isinstance(tool, dict) else None))
    system = request_json.get("system")
    if isinstance(system, str) and system:
        segments.append((system, None))
    elif isinstance(system, list):
        for block in system:
            segments.append((_block_text(block), block.get("cache_control") if isinstance(block, dict) else None))
    for message in request_json.get("messages") or []:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        content = message.get("content")
        if isinstance(content, str):
            segments.append(({"role": role, "text": content}, None))
        elif isinstance(content, list):
            for block in content:
                cache_control = block.get("cache_control") if isinstance(block, dict) else None
                segments.append(({"role": role, "block": _block_text(block)}, cache_control))
    return segments


# ------------------------------------------------------------------------------------------------------ the server


class _Server(TrackingHTTPServer):
    """A threading HTTP server that can close its open connections and join its handler threads on shutdown."""

    thread_name = "FakeAnthropic-handler"

    def __init__(self, fake: FakeAnthropic) -> None:
        super().__init__(fake, _Handler)


class _Handler(LocalHandler):
    server_version = "FakeAnthropic/1.0"
    server: _Server

    @property
    def fake(self) -> FakeAnthropic:
        return self.server.fake

    def _dispatch(self) -> None:
        try:
            raw = self._read_body()
            try:
                body = json.loads(raw) if raw else None
                body_is_json = True
            except ValueError:
                body, body_is_json = None, False
            path = urlsplit(self.path).path.rstrip("/") or "/"
            headers = MappingProxyType({name.lower(): value for name, value in self.headers.items()})
            self.fake.requests.append(
                RecordedRequest(self.command, path, headers, body, raw_body=raw, received_at=time.time())
            )
            if self.command == "POST" and path == MESSAGES_PATH:
                self._messages(body, body_is_json)
            elif self.command == "POST" and path == COUNT_TOKENS_PATH:
                self._count_tokens(body, body_is_json)
            else:
                self._send_error(404, "not_found_error", f"Not found: {self.command} {path}")
        except CloseWithoutAnswer:
            self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_error(self, status: int, error_type: str, message: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send_json(status, {"type": "error", "error": {"type": error_type, "message": message}}, headers)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False if the fake is stopping (the wait was cut short)."""
        return not self.fake._stopping.wait(seconds)

    # ------------------------------------------------------------------------------------------------ endpoints

    def _check_request(self, body: Any, body_is_json: bool, required: Sequence[str]) -> bool:
        """Answer the first problem the real API would report; True if there is none."""
        authorization = self.headers.get("authorization", "")
        has_bearer = authorization.lower().startswith("bearer ") and authorization[7:].strip()
        if not self.headers.get("x-api-key", "").strip() and not has_bearer:
            self._send_error(401, "authentication_error", "x-api-key header is required")
            return False
        if not self.headers.get("anthropic-version", "").strip():
            self._send_error(400, "invalid_request_error", "anthropic-version: header is required")
            return False
        if not body_is_json or not isinstance(body, dict):
            self._send_error(400, "invalid_request_error", "The request body is not valid JSON.")
            return False
        for name in required:
            if name not in body:
                self._send_error(400, "invalid_request_error", f"{name}: Field required")
                return False
        return True

    def _messages(self, body: Any, body_is_json: bool) -> None:
        fault = self.fake._next_fault()
        if fault is not None and self._apply_transport_fault(fault):
            return
        if not self._check_request(body, body_is_json, ("model", "max_tokens", "messages")):
            return
        problem = _messages_problem(body)
        if problem:
            self._send_error(400, "invalid_request_error", problem)
            return
        if fault is not None and fault.kind == "delay" and not self._wait(fault.seconds):
            raise CloseWithoutAnswer
        try:
            message = self.fake._build_message(body, fault)
        except Exception as exc:
            log.exception("FakeAnthropic: the responder raised")
            self.fake._record_error(exc)
            self._send_error(
                500,
                "api_error",
                f"FakeAnthropic responder raised {type(exc).__name__}: {exc}",
                headers=[("x-should-retry", "false")],
            )
            return
        self._send_json(200, message)

    def _apply_transport_fault(self, fault: Fault) -> bool:
        """Act out a fault that doesn't depend on the request; True if it did (the request is then answered)."""
        if fault.kind == "status":
            self._send_error(fault.status_code, fault.error_type or "api_error", fault.message or "", fault.headers)
            return True
        if fault.kind == "raw":
            self._send(fault.status_code, fault.raw_body, fault.content_type, fault.headers)
            return True
        if fault.kind == "hang":
            self._wait(fault.seconds)
            raise CloseWithoutAnswer
        if fault.kind == "drop":
            raise CloseWithoutAnswer
        return False

    def _count_tokens(self, body: Any, body_is_json: bool) -> None:
        if not self._check_request(body, body_is_json, ("model", "messages")):
            return
        self._send_json(200, {"input_tokens": sum(_estimate_tokens(c) for c, _ in _prompt_segments(body))})


def _messages_problem(body: dict[str, Any]) -> str | None:
    """A 400 message for a Messages request the real API would refuse, or None."""
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        return "max_tokens: Input should be a valid integer greater than or equal to 1"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"messages.{index}.role: Input should be 'user' or 'assistant'"
        if "content" not in message:
            return f"messages.{index}.content: Field required"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Input should be a valid string"
    if body.get("stream"):
        return "FakeAnthropic does not implement streaming; call messages.create without stream=True."
    choice = body.get("tool_choice")
    tools = body.get("tools") or []
    if isinstance(choice, dict) and choice.get("type") in ("tool", "any") and not tools:
        return "tool_choice: tools must be provided when tool_choice is 'tool' or 'any'"
    if isinstance(choice, dict) and choice.get("type") == "tool":
        names = [tool.get("name") for tool in tools if isinstance(tool, dict)]
        if choice.get("name") not in names:
            return f"tool_choice.name: Tool '{choice.get('name')}' not found in tools"
    return None


# ---------------------------------------------------------------------------------------------------- the fake


class FakeAnthropic:
    """A fake Anthropic API on 127.0.0.1 (a free port), served from a daemon thread while the context is open.

    Attributes tests use:

    * ``base_url`` - pass to ``anthropic.Anthropic(base_url=...)``.
    * ``requests`` - a :class:`RequestLog` of every request received (``RecordedRequest``: method, path, headers
      with lower-case names, parsed JSON ``body``).
    * ``responder`` - ``callable(request_json) -> dict``, the input of the ``tool_use`` block answering a forced
      tool. Replace it freely; the default is :func:`collection_email_responder`.
    * ``text_responder`` - ``callable(request_json) -> str``, the text answering any other request.
    * ``responder_errors`` - exceptions the responders raised (each answered with a 500 ``api_error`` carrying
      ``x-should-retry: false``, so the SDK doesn't retry it).
    * ``enqueue(*faults)`` / ``pending_faults`` / ``reset()``.
    """

    def __init__(self, *, min_cacheable_tokens: int = 0) -> None:
        self.min_cacheable_tokens = min_cacheable_tokens
        self.requests = RequestLog()
        self.responder: Responder = collection_email_responder
        self.text_responder: TextResponder = default_text_responder
        self.responder_errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self._cache: set[str] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> FakeAnthropic:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> FakeAnthropic:
        if self._server is not None:
            raise RuntimeError("FakeAnthropic is already running")
        self._stopping = threading.Event()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeAnthropic-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving: end delays and hangs, close open connections, join every thread (idempotent)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()  # returns once serve_forever has left its loop: no new connections after this
        server.close_open_connections()  # wakes handlers blocked reading the next keep-alive request
        stuck = server.join_handler_threads(timeout)
        server.server_close()
        thread.join(timeout)
        self._server = self._thread = None
        if stuck:
            log.warning("FakeAnthropic: %d handler thread(s) still running after stop()", len(stuck))

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---------------------------------------------------------------------------------------------- test controls

    def enqueue(self, *faults: Fault) -> None:
        """Queue faults; each ``POST /v1/messages`` consumes the next one, in order."""
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"enqueue() takes Fault objects, not {type(fault).__name__}")
        with self._lock:
            self._faults.extend(faults)

    @property
    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def reset(self) -> None:
        """Forget requests, queued faults, responder errors and the prompt cache; restore the default responders."""
        with self._lock:
            self._faults.clear()
            self._cache.clear()
            self.responder_errors.clear()
        self.requests.clear()
        self.responder = collection_email_responder
        self.text_responder = default_text_responder

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """The requests made to ``POST /v1/messages``."""
        return self.requests.to(MESSAGES_PATH)

    # -------------------------------------------------------------------------------------------- used by handlers

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _record_error(self, exc: BaseException) -> None:
        with self._lock:
            self.responder_errors.append(exc)

    def _build_message(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        tool = _forced_tool(body)
        if fault is not None and fault.kind == "tool_input":
            name = fault.tool_name or (tool or {}).get("name") or _first_tool_name(body) or "tool"
            content = [_tool_use_block(name, copy.deepcopy(fault.payload))]
        elif fault is not None and fault.kind == "text":
            content = [{"type": "text", "text": str(fault.payload)}]
        elif tool is not None:
            tool_input = self.responder(body)
            if not isinstance(tool_input, dict):
                raise TypeError(f"the responder must return a dict, not {type(tool_input).__name__}")
            content = [_tool_use_block(tool["name"], tool_input)]
        else:
            text = self.text_responder(body)
            if not isinstance(text, str):
                raise TypeError(f"the text responder must return a str, not {type(text).__name__}")
            content = [{"type": "text", "text": text}]

        stop_reason = "tool_use" if any(block["type"] == "tool_use" for block in content) else "end_turn"
        return {
            "id": f"msg_01{uuid.uuid4().hex[:22]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": self._usage(body, content),
        }

    def _usage(self, body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
        segments = _prompt_segments(body)
        tokens = [_estimate_tokens(segment) for segment, _ in segments]
        total = sum(tokens)
        created = read = 0
        ttl = "5m"
        breakpoints = [
            index
            for index, (_, cache_control) in enumerate(segments)
            if isinstance(cache_control, dict) and sum(tokens[: index + 1]) >= self.min_cacheable_tokens
        ]
        if breakpoints:
            keys = {
                index: _cache_key(body.get("model"), [s for s, _ in segments[: index + 1]]) for index in breakpoints
            }
            with self._lock:
                hits = [index for index in breakpoints if keys[index] in self._cache]
                self._cache.update(keys.values())
            last = breakpoints[-1]
            read = sum(tokens[: hits[-1] + 1]) if hits else 0
            created = sum(tokens[: last + 1]) - read
            last_cache_control = segments[last][1] or {}
            ttl = "1h" if last_cache_control.get("ttl") == "1h" else "5m"
        return {
            "input_tokens": total - created - read,
            "output_tokens": _estimate_tokens(content),
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": created if ttl == "5m" else 0,
                "ephemeral_1h_input_tokens": created if ttl == "1h" else 0,
            },
            "service_tier": "standard",
        }


def _cache_key(model: Any, prefix: list[Any]) -> str:
    return hashlib.sha256(json.dumps([model, prefix], sort_keys=True).encode()).hexdigest()


def _first_tool_name(body: dict[str, Any]) -> str | None:
    tools = [tool for tool in body.get("tools") or [] if isinstance(tool, dict)]
    return tools[0].get("name") if tools else None


def _tool_use_block(name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_01{uuid.uuid4().hex[:22]}", "name": name, "input": tool_input}
