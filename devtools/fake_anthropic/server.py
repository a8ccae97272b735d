"""The HTTP side of the fake: routes, the real error shape, transport faults."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from devtools.local_server import CloseWithoutAnswer, LocalHandler, TrackingHTTPServer

from .caching import input_tokens
from .faults import Fault
from .records import RecordedRequest
from .rules import ApiError, check_messages

if TYPE_CHECKING:
    from .fake import FakeAnthropic

log = logging.getLogger(__name__)

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
BATCHES_PATH = "/v1/messages/batches"
#: The results file's content type. The SDK asks for it with ``Accept: application/binary`` and reads the body as
#: JSON lines whatever the type says.
RESULTS_CONTENT_TYPE = "application/binary"


class Server(TrackingHTTPServer):
    """A threading HTTP server that can close its open connections and join its handler threads on shutdown."""

    thread_name = "FakeAnthropic-handler"

    def __init__(self, fake: FakeAnthropic) -> None:
        super().__init__(fake, Handler)


class Handler(LocalHandler):
    server_version = "FakeAnthropic/1.0"
    server: Server
    request_id = ""

    @property
    def fake(self) -> FakeAnthropic:
        return self.server.fake

    def _dispatch(self) -> None:
        self.request_id = f"req_011{uuid.uuid4().hex[:21]}"
        try:
            raw = self._read_body()
            try:
                body = json.loads(raw) if raw else None
                body_is_json = True
            except ValueError:
                body, body_is_json = None, False
            url = urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            headers = MappingProxyType({name.lower(): value for name, value in self.headers.items()})
            self.fake.requests.append(
                RecordedRequest(self.command, path, headers, body, raw_body=raw, received_at=time.time())
            )
            try:
                self._route(path, parse_qs(url.query), body, body_is_json)
            except ApiError as error:
                self._send_json(error.status, error.body(self.request_id), error.headers)
        except CloseWithoutAnswer:
            self.close_connection = True

    def _route(self, path: str, query: dict[str, list[str]], body: Any, body_is_json: bool) -> None:
        method = self.command
        if method == "POST" and path == MESSAGES_PATH:
            self._messages(body, body_is_json)
            return
        if method == "POST" and path == COUNT_TOKENS_PATH:
            self._check_headers(body, body_is_json, ("model", "messages"))
            check_messages(body, count_tokens=True)
            self._send_json(200, {"input_tokens": input_tokens(body)})
            return
        if path == BATCHES_PATH or path.startswith(BATCHES_PATH + "/"):
            self._batches(method, path[len(BATCHES_PATH) :].strip("/").split("/"), query, body, body_is_json)
            return
        raise ApiError(404, "not_found_error", f"Not found: {method} {path}")

    # ------------------------------------------------------------------------------------------------ sending

    def _send(self, status: int, body: bytes, content_type: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("request-id", self.request_id)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_error(self, status: int, error_type: str, message: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send_json(status, ApiError(status, error_type, message).body(self.request_id), headers)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False if the fake is stopping (the wait was cut short)."""
        return not self.fake._stopping.wait(seconds)

    # ---------------------------------------------------------------------------------------------- endpoints

    def _check_headers(self, body: Any, body_is_json: bool, required: Sequence[str]) -> None:
        """Raise what the real API reports first: credentials, version, a JSON body, the required fields."""
        authorization = self.headers.get("authorization", "")
        has_bearer = authorization.lower().startswith("bearer ") and authorization[7:].strip()
        if not self.headers.get("x-api-key", "").strip() and not has_bearer:
            raise ApiError(401, "authentication_error", "x-api-key header is required")
        if not self.headers.get("anthropic-version", "").strip():
            raise ApiError(400, "invalid_request_error", "anthropic-version: header is required")
        if required and (not body_is_json or not isinstance(body, dict)):
            raise ApiError(400, "invalid_request_error", "The request body is not valid JSON.")
        for name in required:
            if name not in body:
                raise ApiError(400, "invalid_request_error", f"{name}: Field required")

    def _messages(self, body: Any, body_is_json: bool) -> None:
        fault = self.fake._next_fault()
        if fault is not None and self._apply_transport_fault(fault):
            return
        self._check_headers(body, body_is_json, ("model", "max_tokens", "messages"))
        check_messages(body)
        if fault is not None and fault.kind == "delay" and not self._wait(fault.seconds):
            raise CloseWithoutAnswer
        message = self.fake._answer(body, fault)
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

    def _batches(
        self, method: str, parts: list[str], query: dict[str, list[str]], body: Any, body_is_json: bool
    ) -> None:
        store, base = self.fake.batches, self.fake.base_url
        parts = [part for part in parts if part]
        if method == "POST" and not parts:
            self._check_headers(body, body_is_json, ("requests",))
            batch_id = store.create(body)
            if self.fake.batches_complete_immediately:
                self.fake.batches_complete()
            self._send_json(200, store.view(batch_id, base))
            return
        self._check_headers(body, body_is_json, ())
        if method == "GET" and not parts:
            limit = int((query.get("limit") or ["20"])[0])
            after = (query.get("after_id") or [None])[0]
            before = (query.get("before_id") or [None])[0]
            self._send_json(200, store.list(base, limit=limit, after_id=after, before_id=before))
        elif method == "GET" and len(parts) == 1:
            self._send_json(200, store.view(parts[0], base))
        elif method == "GET" and len(parts) == 2 and parts[1] == "results":
            lines = store.results(parts[0])
            payload = "".join(json.dumps(line) + "\n" for line in lines).encode()
            self._send(200, payload, RESULTS_CONTENT_TYPE)
        elif method == "POST" and len(parts) == 2 and parts[1] == "cancel":
            view = store.cancel(parts[0], base)
            if self.fake.batches_complete_immediately:
                self.fake.batches_complete()
            self._send_json(200, view)
        elif method == "DELETE" and len(parts) == 1:
            self._send_json(200, store.delete(parts[0]))
        else:
            raise ApiError(404, "not_found_error", f"Not found: {method} {BATCHES_PATH}/{'/'.join(parts)}")
