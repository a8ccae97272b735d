"""The fake itself: lifecycle, test controls, and how an accepted request is answered."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from .batches import BatchFault, BatchStore
from .caching import PromptCache, estimate_tokens
from .faults import Fault
from .models import ModelRules
from .records import RecordedRequest, RequestLog
from .responders import (
    JsonResponder,
    Responder,
    TextResponder,
    collection_email_responder,
    default_text_responder,
    forced_tool,
    minimal_json_responder,
)
from .rules import ApiError, check_messages, effective_effort, wants_thinking_block
from .schema import instance_problem
from .server import MESSAGES_PATH, Server

log = logging.getLogger(__name__)

#: Output tokens a thinking block is billed for, by effort. Invented (the real amount varies with the task), but
#: deterministic and growing with effort, so a cost estimate made against the fake is not free of thinking.
THINKING_TOKENS = {"low": 64, "medium": 256, "high": 1024, "xhigh": 2048, "max": 4096, None: 256}


class ResponderError(Exception):
    """A responder raised or answered wrongly; answered with a 500 ``api_error`` the SDK does not retry."""


class FakeAnthropic:
    """A fake Anthropic API on 127.0.0.1 (a free port), served from a daemon thread while the context is open.

    Attributes tests use:

    * ``base_url`` - pass to ``anthropic.Anthropic(base_url=...)``.
    * ``requests`` - a :class:`RequestLog` of every request received.
    * ``responder`` - ``callable(request_json) -> dict``, the input of the ``tool_use`` block answering a forced tool
      (on models that accept one). Default :func:`collection_email_responder`.
    * ``json_responder`` - ``callable(request_json, schema) -> object``, the JSON answering a structured-output
      request; checked against the schema before it is sent. Default: a minimal instance of the schema.
    * ``text_responder`` - ``callable(request_json) -> str``, the text answering any other request.
    * ``responder_errors`` - what the responders got wrong (each answered with a 500 ``api_error`` carrying
      ``x-should-retry: false``, so the SDK doesn't retry it).
    * ``min_cacheable_tokens`` - None (the default) uses each model's documented minimum; an int overrides it.
    * ``thinking_blocks`` - False leaves out the thinking block adaptive thinking adds before the answer.
    * ``enqueue(*faults)`` / ``pending_faults`` / ``advance_clock(seconds)`` / ``reset()``.
    * ``batches_complete()`` / ``fail_batch_request(custom_id, kind)`` / ``batches_complete_immediately``.
    """

    def __init__(
        self,
        *,
        min_cacheable_tokens: int | None = None,
        batches_complete_immediately: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_cacheable_tokens = min_cacheable_tokens
        self.batches_complete_immediately = batches_complete_immediately
        self.thinking_blocks = True
        self.requests = RequestLog()
        self.responder: Responder = collection_email_responder
        self.json_responder: JsonResponder = minimal_json_responder
        self.text_responder: TextResponder = default_text_responder
        self.responder_errors: list[BaseException] = []
        self.cache = PromptCache(clock)
        self.batches = BatchStore()
        self._lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self._stopping = threading.Event()
        self._server: Server | None = None
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
        self._server = Server(self)
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

    def advance_clock(self, seconds: float) -> None:
        """Move the prompt cache's clock forward: entries older than their TTL (5 minutes, or 1 hour) expire."""
        self.cache.advance(seconds)

    def batches_complete(self) -> None:
        """Process every batch still in progress (and end the canceling ones), as the real API eventually does."""
        for batch_id in self.batches.pending():
            self.batches.complete(batch_id, self._batch_result)

    def fail_batch_request(
        self, custom_id: str, kind: str = "expired", *, error_type: str = "api_error", message: str | None = None
    ) -> None:
        """Make the batch request ``custom_id`` end ``expired``, ``errored`` (with ``error_type``) or ``canceled``."""
        if kind not in ("expired", "errored", "canceled"):
            raise ValueError(f"kind must be 'expired', 'errored' or 'canceled', not {kind!r}")
        fault = BatchFault(kind, error_type, message) if message else BatchFault(kind, error_type)
        with self._lock:
            self.batches.faults[custom_id] = fault

    def reset(self) -> None:
        """Forget requests, faults, responder errors, the prompt cache and batches; restore the default responders."""
        with self._lock:
            self._faults.clear()
            self.responder_errors.clear()
        self.cache.clear()
        self.batches.clear()
        self.requests.clear()
        self.responder = collection_email_responder
        self.json_responder = minimal_json_responder
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

    def _batch_result(self, params: dict[str, Any]) -> dict[str, Any]:
        """One batch request, validated and answered like ``POST /v1/messages`` (no queued faults)."""
        try:  # _answer validates the request first
            return {"type": "succeeded", "message": self._answer(params, None)}
        except ApiError as error:
            return {"type": "errored", "error": error.body(f"req_011{uuid.uuid4().hex[:21]}")}

    def _answer(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        """The Message answering a request that passed :func:`check_messages`."""
        rules = check_messages(body)
        try:
            answer = self._content(body, fault)
        except Exception as exc:
            log.exception("FakeAnthropic: a responder failed")
            self._record_error(exc)
            message = f"FakeAnthropic responder failed: {type(exc).__name__}: {exc}"
            raise ApiError(500, "api_error", message, (("x-should-retry", "false"),)) from exc
        content, thinking_tokens = self._thinking(body, rules), 0
        if content:
            thinking_tokens = min(THINKING_TOKENS[effective_effort(body, rules)], max(0, body["max_tokens"] // 2))
        content += answer
        stop_reason = "tool_use" if any(block["type"] == "tool_use" for block in answer) else "end_turn"
        min_tokens = self.min_cacheable_tokens if self.min_cacheable_tokens is not None else rules.min_cacheable_tokens
        return {
            "id": f"msg_01{uuid.uuid4().hex[:22]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                **self.cache.usage(body, min_tokens),
                "output_tokens": estimate_tokens(answer) + thinking_tokens,
                "service_tier": "standard",
            },
        }

    def _thinking(self, body: dict[str, Any], rules: ModelRules) -> list[dict[str, Any]]:
        # Adaptive thinking may put thinking blocks before the answer; at the default display "omitted" their text is
        # empty and only the signature is set (Opus 5.5 what's new, "Thinking can't be disabled").
        if not self.thinking_blocks or not wants_thinking_block(body, rules):
            return []
        display = (body.get("thinking") or {}).get("display") or "omitted"
        text = "" if display == "omitted" else "The user wants a short, factual answer; I will keep to the facts."
        digest = hashlib.sha256(json.dumps(body.get("messages"), sort_keys=True).encode()).hexdigest()
        return [{"type": "thinking", "thinking": text, "signature": f"fake-signature-{digest[:32]}"}]

    def _content(self, body: dict[str, Any], fault: Fault | None) -> list[dict[str, Any]]:
        tool = forced_tool(body)
        config = body.get("output_config") or {}
        if fault is not None and fault.kind == "tool_input":
            name = fault.tool_name or (tool or {}).get("name") or _first_tool_name(body) or "tool"
            return [_tool_use_block(name, copy.deepcopy(fault.payload))]
        if fault is not None and fault.kind == "text":
            return [{"type": "text", "text": str(fault.payload)}]
        if isinstance(config.get("format"), dict):
            schema = config["format"]["schema"]
            value = self.json_responder(body, copy.deepcopy(schema))
            problem = instance_problem(schema, value)
            if problem:
                raise ResponderError(f"the json_responder's answer does not match the schema: {problem}")
            return [{"type": "text", "text": json.dumps(value)}]
        if tool is not None:
            tool_input = self.responder(body)
            if not isinstance(tool_input, dict):
                raise TypeError(f"the responder must return a dict, not {type(tool_input).__name__}")
            return [_tool_use_block(tool["name"], tool_input)]
        text = self.text_responder(body)
        if not isinstance(text, str):
            raise TypeError(f"the text responder must return a str, not {type(text).__name__}")
        return [{"type": "text", "text": text}]


def _first_tool_name(body: dict[str, Any]) -> str | None:
    tools = [tool for tool in body.get("tools") or [] if isinstance(tool, dict)]
    return tools[0].get("name") if tools else None


def _tool_use_block(name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_01{uuid.uuid4().hex[:22]}", "name": name, "input": tool_input}
