"""A local fake of Amazon SES (API v2) for running the real ``django_ses.SESBackend`` and ``boto3`` offline.

Two servers on 127.0.0.1, each on a free port, served from daemon threads while the context is open:

* moto's server mode (``moto.server.ThreadedMotoServer``) - the SES v2 API itself. moto keeps what it receives in
  its process-wide backend (``moto.ses.models.ses_backends[account]["us-east-1"]``; SES v2 piggybacks on the v1
  backend, so ``SendEmail`` with ``Content.Raw`` ends up in ``.sent_messages`` as a ``RawMessage``).
* in front of it a small fault-injecting HTTP proxy (standard library ``ThreadingHTTPServer``). django-ses is pointed
  at the proxy, ``fake.endpoint_url``.

Use::

    with FakeSES() as fake:
        fake.apply(settings)                       # pytest-django's ``settings`` fixture
        EmailMultiAlternatives(...).send()
        assert fake.sent_messages()[-1].subject == "Invoice INV-1001 is overdue"
        fake.enqueue(SESFault.throttling())        # the next SendEmail is answered 429 TooManyRequestsException

Settings (``fake.django_settings()``): django-ses builds its boto3 client as
``boto3.Session(aws_access_key_id, aws_secret_access_key, aws_session_token).client("sesv2", region_name=...,
endpoint_url=settings.AWS_SES_REGION_ENDPOINT_URL, config=settings.AWS_SES_CONFIG)``. ``AWS_SES_REGION_ENDPOINT_URL``
defaults to ``"https://" + AWS_SES_REGION_ENDPOINT``, so a host:port in ``AWS_SES_REGION_ENDPOINT`` alone would be
spoken to over TLS; the plain-HTTP fake needs ``AWS_SES_REGION_ENDPOINT_URL = "http://127.0.0.1:PORT"`` (both are set).
Credentials go in the django-ses specific ``AWS_SES_ACCESS_KEY_ID`` / ``AWS_SES_SECRET_ACCESS_KEY`` (they win over
``AWS_ACCESS_KEY_ID``), with ``AWS_SESSION_PROFILE`` / ``AWS_SES_SESSION_TOKEN`` forced to ``None`` so no profile,
token or instance-metadata lookup is involved.

What the proxy does, per request:

* ``POST /v2/email/outbound-emails`` (``SendEmail``) - consumes the next queued fault, if any, else forwards to moto.
* ``GET /v2/email/account`` (``GetAccount``) - answered by the proxy itself (moto 5.2.5 doesn't implement it and
  answers 404, which django-ses would raise): django-ses calls it once per process and access key before its first
  send, because ``AWS_SES_AUTO_THROTTLE`` defaults to 0.5 (it caches ``SendQuota.MaxSendRate`` in the module-global
  ``django_ses.cached_rate_limits`` and sleeps when more than ``MaxSendRate * 2 * 0.5`` messages went out in the last
  2 seconds; ``max_send_rate`` defaults to 14, a production account's starting quota). finemanwest sets
  ``AWS_SES_AUTO_THROTTLE = None``, so there it is never called.
* anything else - forwarded to moto unchanged.

Every request is recorded in ``fake.requests`` (``ProxiedRequest``: operation, status, fault, message id), so a test
can count attempts, e.g. to see botocore's retries.

Faults (``fake.enqueue(*faults)``; each ``SendEmail`` request - every attempt, retries included - consumes the next
one; a fault built with ``operation=None`` applies to any request). The error bodies are SES v2's (rest-json): with
``USE_SES_V2 = False`` django-ses speaks the v1 query API, whose requests reach moto unharmed except by faults built
with ``operation=None``. Measured with django-ses 4.8.2, botocore 1.44.8 and this fake (``test_fake_ses.py``); "one
attempt" is ``AWS_SES_CONFIG = Config(retries={"total_max_attempts": 1})`` (``fake.django_settings(max_attempts=1)``),
"default" is no ``AWS_SES_CONFIG`` at all, as in production:

=============================  ===================================================================================
``throttling()``               429, ``x-amzn-ErrorType: TooManyRequestsException`` -> ``botocore.errorfactory.
                               TooManyRequestsException`` (a ``ClientError``, code ``TooManyRequestsException``).
                               Default: retried (throttling backoff ``rand * 1 s``, then ``rand * 2 s``).
                               ``throttling(code="Throttling", status=400)`` gives the SES v1 style code; botocore
                               retries that too.
``server_error()``             500 ``InternalFailure`` -> ``ClientError`` code ``InternalFailure``. Default: retried
                               (backoff ``rand * 50 ms``, ``rand * 100 ms``).
``message_rejected(text)``     400 ``MessageRejected`` -> ``botocore.errorfactory.MessageRejected``; never retried.
``account_suspended()``        400 ``AccountSuspendedException`` -> ``...AccountSuspendedException``; never retried.
``sending_paused()``           400 ``SendingPausedException``; never retried.
``delay(seconds)``             waits, then forwards: the send succeeds later. If the wait exceeds the client's
                               ``read_timeout`` (botocore default 60 s) -> ``botocore.exceptions.ReadTimeoutError``
                               with one attempt, and the message is STILL recorded once the wait is over (use
                               ``wait_for_messages``). Default: botocore retries the timed-out POST, so SES gets the
                               message twice (the slow request and the retry) and django-ses reports success.
``drop_connection()``          closes the connection without forwarding or answering ->
                               ``botocore.exceptions.ConnectionClosedError``; nothing sent. Default: retried.
``after_send_drop_connection`` forwards to moto (the message IS recorded as sent) and then closes the connection
                               without answering -> ``ConnectionClosedError`` with one attempt. With the default
                               config botocore retries the POST, so SES gets the message TWICE and django-ses
                               reports success with the second message id.
=============================  ===================================================================================

botocore's retries: django-ses passes ``config=settings.AWS_SES_CONFIG`` (default ``None``), so botocore's defaults
apply; botocore 1.44 defaults to the ``standard`` retry mode (``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS`` or
``~/.aws/config`` change that): 3 attempts in all, retrying throttling codes (``TooManyRequestsException``,
``Throttling``, ...), 500/502/503/504 and connection errors (``ConnectionClosedError``, ``ReadTimeoutError``, ...),
POST or not. Each backend instance makes its own client (and retry quota); Django makes a new backend for every
``send_mail()`` / ``EmailMessage.send()`` / ``get_connection()``.

``fail_silently`` does not help: django-ses's ``send_messages`` only catches
``botocore.vendored.requests.packages.urllib3.exceptions.ResponseError``, which modern botocore never raises, so every
exception above reaches the caller of ``send_messages()`` / ``send_mail(..., fail_silently=True)`` alike (only errors
building the client in ``open()`` are swallowed). On success django-ses stores the SES answer in the message object:
``message.extra_headers["message_id"]``, ``["request_id"]`` and ``["status"] = 200`` (and it adds
``X-SES-CONFIGURATION-SET`` there before sending); on failure it sets none of them.

moto refuses senders it hasn't verified (``MessageRejected: Did not have authority to send from email ...``); the
fake verifies ``identities`` (default ``example.com`` and ``localhost``) at start; ``fake.verify(identity)`` adds more.
moto's state is process-wide: starting a ``FakeSES`` resets moto's SES backend for its region (everything, including
identities), ``reset()`` forgets sent messages, recorded requests and queued faults.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.client
import json
import logging
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from moto.ses.models import Message, RawMessage, ses_backends
from werkzeug.serving import make_server

from devtools.local_server import CloseWithoutAnswer, LocalHandler, TrackingHTTPServer

__all__ = ["FakeSES", "ProxiedRequest", "SESFault", "SentMessage"]

log = logging.getLogger(__name__)

SEND_EMAIL = "SendEmail"
GET_ACCOUNT = "GetAccount"
DEFAULT_REGION = "us-east-1"
DEFAULT_IDENTITIES = ("example.com", "localhost")
DEFAULT_CONFIGURATION_SET = "collections"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"  # noqa: S105  (a dummy: moto doesn't check signatures)

_OPERATIONS = {
    ("POST", "/v2/email/outbound-emails"): SEND_EMAIL,
    ("GET", "/v2/email/account"): GET_ACCOUNT,
}
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "server",
    "date",
}


# ---------------------------------------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class SESFault:
    """One queued misbehaviour of SES; build it with the class methods, e.g. ``SESFault.throttling()``.

    ``operation`` is the SES v2 operation it applies to (``"SendEmail"``), ``None`` for the next request of any kind.
    """

    kind: str  # "error" | "delay" | "drop" | "drop_after_send"
    status: int = 0
    code: str = ""
    message: str = ""
    seconds: float = 0.0
    operation: str | None = SEND_EMAIL

    @classmethod
    def error(cls, status: int, code: str, message: str, *, operation: str | None = SEND_EMAIL) -> SESFault:
        """An AWS rest-json error: ``status``, ``x-amzn-ErrorType: code`` and ``{"message": message}``."""
        return cls("error", status=status, code=code, message=message, operation=operation)

    @classmethod
    def throttling(
        cls,
        message: str = "Maximum sending rate exceeded.",
        *,
        code: str = "TooManyRequestsException",
        status: int = 429,
        operation: str | None = SEND_EMAIL,
    ) -> SESFault:
        """SES v2's rate limit answer (429 ``TooManyRequestsException``); ``code="Throttling", status=400`` for v1's."""
        return cls.error(status, code, message, operation=operation)

    @classmethod
    def server_error(
        cls,
        message: str = "The request processing has failed because of an unknown error, exception or failure.",
        *,
        code: str = "InternalFailure",
        status: int = 500,
        operation: str | None = SEND_EMAIL,
    ) -> SESFault:
        return cls.error(status, code, message, operation=operation)

    @classmethod
    def message_rejected(
        cls, message: str = "Email address is not verified.", *, operation: str | None = SEND_EMAIL
    ) -> SESFault:
        """A permanent refusal of this message (400 ``MessageRejected``)."""
        return cls.error(400, "MessageRejected", message, operation=operation)

    @classmethod
    def account_suspended(
        cls,
        message: str = "Your account has been suspended because of issues related to your email sending practices.",
        *,
        operation: str | None = SEND_EMAIL,
    ) -> SESFault:
        return cls.error(400, "AccountSuspendedException", message, operation=operation)

    @classmethod
    def sending_paused(
        cls,
        message: str = "Email sending is disabled for this account.",
        *,
        operation: str | None = SEND_EMAIL,
    ) -> SESFault:
        return cls.error(400, "SendingPausedException", message, operation=operation)

    @classmethod
    def delay(cls, seconds: float, *, operation: str | None = SEND_EMAIL) -> SESFault:
        """Wait ``seconds`` (cut short when the fake stops), then forward the request as usual."""
        return cls("delay", seconds=seconds, operation=operation)

    @classmethod
    def drop_connection(cls, *, operation: str | None = SEND_EMAIL) -> SESFault:
        """Close the connection without forwarding the request or answering: nothing is sent."""
        return cls("drop", operation=operation)

    @classmethod
    def after_send_drop_connection(cls, *, operation: str | None = SEND_EMAIL) -> SESFault:
        """Forward the request (SES accepts and records the message), then close the connection without answering."""
        return cls("drop_after_send", operation=operation)

    def applies_to(self, operation: str) -> bool:
        return self.operation is None or self.operation == operation


# -------------------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ProxiedRequest:
    """One request that reached the proxy. ``status`` is None when the connection was dropped without an answer."""

    method: str
    path: str
    operation: str
    body: Any  # the parsed JSON body, or None
    status: int | None
    fault: SESFault | None
    message_id: str | None  # the MessageId moto answered a SendEmail with (also when the answer was dropped)
    received_at: float


@dataclass(frozen=True)
class SentMessage:
    """One message SES accepted, read back from moto.

    ``source`` is the sender as given to the API (``FromEmailAddress``); ``destinations`` the envelope recipients
    (django-ses puts To, Cc and Bcc all in ``Destination.ToAddresses``); ``to`` / ``cc`` / ``reply_to`` are the
    addr-specs in those MIME headers and ``bcc`` the addr-specs of the envelope recipients in neither To nor Cc.
    ``subject`` is decoded and stripped; ``text`` / ``html`` are the decoded bodies with ``\n`` line ends. ``raw``
    is the MIME source django-ses sent (None for ``Content.Simple`` sends) and ``parsed`` its parsed form
    (``email.message.EmailMessage``, ``policy.default``). ``configuration_set`` comes from the
    ``X-SES-CONFIGURATION-SET`` header django-ses adds, else from the request's ``ConfigurationSetName``.
    """

    message_id: str
    source: str
    destinations: list[str]
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    text: str | None
    html: str | None
    reply_to: list[str]
    raw: str | None
    configuration_set: str | None
    attachments: list[tuple[str | None, str, bytes]] = field(default_factory=list)  # (filename, type, content)
    parsed: email.message.EmailMessage | None = field(default=None, repr=False, compare=False)

    @property
    def from_header(self) -> str | None:
        return None if self.parsed is None else self.parsed["From"]

    def header(self, name: str) -> str | None:
        return None if self.parsed is None else self.parsed[name]


def _addr_specs(message: email.message.EmailMessage, name: str) -> list[str]:
    values = message.get_all(name) or []
    return [address for _, address in getaddresses([str(value) for value in values]) if address]


def _body(message: email.message.EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return part.get_content().replace("\r\n", "\n")  # MIME's CRLF line ends, as Python text


def _from_raw(stored: RawMessage, configuration_sets: Mapping[str, str]) -> SentMessage:
    raw = stored.raw_data
    parsed = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=email.policy.default)
    # moto appends the addresses of the raw To/CC/BCC headers (first header of each, as ``compat32`` reads them) to
    # the envelope it was given; cut them off again to get the envelope.
    compat = email.message_from_string(raw)
    header_values = [compat[name] for name in ("TO", "CC", "BCC") if name in compat]
    header_count = len([address for _, address in getaddresses(header_values) if address])
    destinations = list(stored.destinations[: len(stored.destinations) - header_count])
    to, cc = _addr_specs(parsed, "To"), _addr_specs(parsed, "Cc")
    visible = {address.lower() for address in to + cc}
    attachments = [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True) or b"")
        for part in parsed.iter_attachments()
    ]
    return SentMessage(
        message_id=stored.id,
        source=stored.source,
        destinations=destinations,
        to=to,
        cc=cc,
        bcc=[address for _, address in getaddresses(destinations) if address.lower() not in visible],
        subject=str(parsed["Subject"] or "").strip(),  # a long subject is folded after "Subject:"
        text=_body(parsed, "plain"),
        html=_body(parsed, "html"),
        reply_to=_addr_specs(parsed, "Reply-To"),
        raw=raw,
        configuration_set=parsed["X-SES-CONFIGURATION-SET"] or configuration_sets.get(stored.id),
        attachments=attachments,
        parsed=parsed,
    )


def _from_simple(stored: Message, configuration_sets: Mapping[str, str]) -> SentMessage:
    destination = stored.destinations if isinstance(stored.destinations, dict) else {}
    to, cc, bcc = (list(destination.get(key, [])) for key in ("ToAddresses", "CcAddresses", "BccAddresses"))
    return SentMessage(
        message_id=stored.id,
        source=stored.source,
        destinations=to + cc + bcc,
        to=to,
        cc=cc,
        bcc=bcc,
        subject=stored.subject,
        text=stored.body,  # moto keeps one body: the HTML one if there was one, else the text one
        html=None,
        reply_to=[],
        raw=None,
        configuration_set=configuration_sets.get(stored.id),
    )


# ---------------------------------------------------------------------------------------------------- the servers


class _QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class _MotoServer(ThreadedMotoServer):
    """``ThreadedMotoServer`` that polls for shutdown every 10 ms (its ``stop()`` otherwise takes up to 0.5 s, the
    default ``serve_forever`` poll interval) and doesn't print a line per request. Same body as moto 5.2.5's."""

    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=_QuietMotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever(poll_interval=0.01)


class _ProxyServer(TrackingHTTPServer):
    """The fault-injecting proxy: a threading HTTP server that closes its connections and joins its threads on stop."""

    thread_name = "FakeSES-proxy"

    def __init__(self, fake: FakeSES) -> None:
        super().__init__(fake, _ProxyHandler)


class _ProxyHandler(LocalHandler):
    server_version = "FakeSES/1.0"
    server: _ProxyServer

    @property
    def fake(self) -> FakeSES:
        return self.server.fake

    def _dispatch(self) -> None:
        try:
            raw = self._read_body()
            path = urlsplit(self.path).path
            operation = _OPERATIONS.get((self.command, path.rstrip("/")), f"{self.command} {path}")
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            fault = self.fake._next_fault(operation)

            def record(status: int | None, message_id: str | None = None) -> None:
                self.fake._record(
                    ProxiedRequest(self.command, path, operation, body, status, fault, message_id, time.time())
                )

            if fault is not None and fault.kind == "error":
                record(fault.status)
                self._send_error(fault.status, fault.code, fault.message)
                return
            if fault is not None and fault.kind == "drop":
                record(None)
                raise CloseWithoutAnswer
            if fault is not None and fault.kind == "delay" and self.fake._stopping.wait(fault.seconds):
                record(None)
                raise CloseWithoutAnswer  # the fake is stopping
            if operation == GET_ACCOUNT:
                record(200)
                self._send(200, json.dumps(self.fake._account()).encode(), [("content-type", "application/json")])
                return
            status, headers, payload = self._forward(raw)
            message_id = self._message_id(operation, status, payload)
            if message_id is not None and isinstance(body, dict) and body.get("ConfigurationSetName"):
                self.fake._remember_configuration_set(message_id, body["ConfigurationSetName"])
            if fault is not None and fault.kind == "drop_after_send":
                record(None, message_id)
                raise CloseWithoutAnswer
            record(status, message_id)
            self._send(status, payload, headers)
        except CloseWithoutAnswer:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _forward(self, raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        host, port = self.fake._moto_address()
        headers = {name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP}
        headers["Host"] = f"{host}:{port}"
        headers["Content-Length"] = str(len(raw))
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request(self.command, self.path, body=raw, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            forwarded = [(name, value) for name, value in response.getheaders() if name.lower() not in _HOP_BY_HOP]
            return response.status, forwarded, payload
        finally:
            connection.close()

    @staticmethod
    def _message_id(operation: str, status: int, payload: bytes) -> str | None:
        if operation != SEND_EMAIL or status != 200:
            return None
        try:
            return json.loads(payload).get("MessageId")
        except (ValueError, AttributeError):
            return None

    def _send(self, status: int, body: bytes, headers: Iterable[tuple[str, str]]) -> None:
        self.send_response(status)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "x-amzn-requestid" not in names:
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"message": message}).encode()
        self._send(status, body, [("content-type", "application/json"), ("x-amzn-ErrorType", code)])


# ------------------------------------------------------------------------------------------------------- the fake


class FakeSES:
    """moto's SES behind a fault-injecting proxy, both on 127.0.0.1; see the module docstring.

    * ``endpoint_url`` - the proxy, ``http://127.0.0.1:PORT``: what django-ses (or any boto3 client) talks to.
    * ``django_settings(**config)`` / ``apply(settings, **config)`` - the Django settings for django-ses.
    * ``sent_messages()`` - ``SentMessage`` list, oldest first; ``wait_for_messages(n)``.
    * ``requests`` - ``ProxiedRequest`` list; ``send_attempts`` - the ``SendEmail`` ones.
    * ``enqueue(*faults)`` / ``pending_faults`` / ``reset()`` / ``verify(identity)``.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        identities: Iterable[str] = DEFAULT_IDENTITIES,
        configuration_set: str | None = DEFAULT_CONFIGURATION_SET,
        max_send_rate: float = 14.0,
        max_24_hour_send: float = 50000.0,
    ) -> None:
        self.region = region
        self.identities = tuple(identities)
        self.configuration_set = configuration_set
        self.max_send_rate = max_send_rate
        self.max_24_hour_send = max_24_hour_send
        self._lock = threading.Lock()
        self._faults: deque[SESFault] = deque()
        self._requests: list[ProxiedRequest] = []
        self._configuration_sets: dict[str, str] = {}
        self._stopping = threading.Event()
        self._moto: _MotoServer | None = None
        self._proxy: _ProxyServer | None = None
        self._proxy_thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> FakeSES:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> FakeSES:
        if self._moto is not None:
            raise RuntimeError("FakeSES is already running")
        self._stopping = threading.Event()
        moto = _MotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        self._moto = moto
        try:
            self._proxy = _ProxyServer(self)
            self._proxy_thread = threading.Thread(
                target=self._proxy.serve_forever,
                kwargs={"poll_interval": 0.01},
                name=f"FakeSES-proxy-{self._proxy.server_port}",
                daemon=True,
            )
            self._proxy_thread.start()
            self._backend.reset()  # moto's state is process-wide: start from nothing
            self.reset()
            client = self.moto_client()
            for identity in self.identities:
                self.verify(identity, client=client)
            if self.configuration_set:
                client.create_configuration_set(ConfigurationSetName=self.configuration_set)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both servers: end delays, close open connections, join the threads (idempotent)."""
        self._stopping.set()
        proxy, thread, moto = self._proxy, self._proxy_thread, self._moto
        self._proxy = self._proxy_thread = self._moto = None
        if proxy is not None and thread is not None:
            proxy.shutdown()
            proxy.close_open_connections()
            stuck = proxy.join_handler_threads(timeout)
            proxy.server_close()
            thread.join(timeout)
            if stuck:
                log.warning("FakeSES: %d proxy thread(s) still running after stop()", len(stuck))
        if moto is not None:
            moto.stop()
            if moto._server is not None:
                moto._server.server_close()

    @property
    def running(self) -> bool:
        return self._moto is not None

    @property
    def port(self) -> int:
        if self._proxy is None:
            raise RuntimeError("FakeSES is not running")
        return self._proxy.server_port

    @property
    def endpoint_url(self) -> str:
        """The fault-injecting proxy; point django-ses / boto3 here."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def moto_endpoint_url(self) -> str:
        """moto itself, bypassing the proxy (no faults, not recorded)."""
        host, port = self._moto_address()
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------------------------------------ settings

    def django_settings(
        self,
        *,
        max_attempts: int | None = None,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
    ) -> dict[str, Any]:
        """The Django settings that send django-ses's mail here. Give ``max_attempts`` (botocore's total attempts,
        1 = no retries) or timeouts to set ``AWS_SES_CONFIG``; without them it is ``None``, botocore's defaults."""
        config: dict[str, Any] = {}
        if max_attempts is not None:
            config["retries"] = {"mode": "standard", "total_max_attempts": max_attempts}
        if read_timeout is not None:
            config["read_timeout"] = read_timeout
        if connect_timeout is not None:
            config["connect_timeout"] = connect_timeout
        return {
            "EMAIL_BACKEND": "django_ses.SESBackend",
            "USE_SES_V2": True,
            "AWS_SES_REGION_NAME": self.region,
            "AWS_SES_REGION_ENDPOINT": f"127.0.0.1:{self.port}",
            "AWS_SES_REGION_ENDPOINT_URL": self.endpoint_url,
            "AWS_SES_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SES_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_SES_SESSION_TOKEN": None,
            "AWS_SESSION_PROFILE": None,
            "AWS_SES_CONFIGURATION_SET": self.configuration_set,
            "AWS_SES_CONFIG": Config(**config) if config else None,
        }

    def apply(self, settings: Any, **config: Any) -> None:
        """Apply ``django_settings(**config)`` to pytest-django's ``settings`` fixture (restored after the test)."""
        for name, value in self.django_settings(**config).items():
            setattr(settings, name, value)

    # ------------------------------------------------------------------------------------------------ controls

    def moto_client(self) -> Any:
        """A boto3 ``sesv2`` client talking to moto directly (no proxy, no faults)."""
        return boto3.client(
            "sesv2",
            region_name=self.region,
            endpoint_url=self.moto_endpoint_url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def verify(self, identity: str, *, client: Any = None) -> None:
        """Verify a domain (``example.com``) or address (``billing@example.com``) in moto, so it may send."""
        (client or self.moto_client()).create_email_identity(EmailIdentity=identity)

    def enqueue(self, *faults: SESFault) -> None:
        """Queue faults; each request consumes the first queued fault that applies to its operation."""
        for fault in faults:
            if not isinstance(fault, SESFault):
                raise TypeError(f"enqueue() takes SESFault objects, not {type(fault).__name__}")
        with self._lock:
            self._faults.extend(faults)

    @property
    def pending_faults(self) -> list[SESFault]:
        with self._lock:
            return list(self._faults)

    @property
    def requests(self) -> list[ProxiedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def send_attempts(self) -> list[ProxiedRequest]:
        return [request for request in self.requests if request.operation == SEND_EMAIL]

    def reset(self) -> None:
        """Forget sent messages, recorded requests and queued faults (identities stay verified)."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()
            self._configuration_sets.clear()
        backend = self._backend
        backend.sent_messages.clear()
        backend.sent_message_count = 0

    def sent_messages(self) -> list[SentMessage]:
        """What SES accepted, oldest first (newest last)."""
        with self._lock:
            configuration_sets = dict(self._configuration_sets)
        result = []
        for stored in list(self._backend.sent_messages):
            if isinstance(stored, RawMessage):
                result.append(_from_raw(stored, configuration_sets))
            elif isinstance(stored, Message):
                result.append(_from_simple(stored, configuration_sets))
            # moto's template sends (SendTemplatedEmail / Content.Template) are not read back
        return result

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until at least ``count`` messages were accepted (e.g. after a ``delay`` the client gave up on)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.sent_messages()
            if len(messages) >= count or time.monotonic() >= deadline:
                return messages
            time.sleep(0.01)

    # -------------------------------------------------------------------------------------------- used by handlers

    @property
    def _backend(self) -> Any:
        return ses_backends[DEFAULT_ACCOUNT_ID][self.region]

    def _moto_address(self) -> tuple[str, int]:
        if self._moto is None:
            raise RuntimeError("FakeSES is not running")
        return self._moto.get_host_and_port()

    def _next_fault(self, operation: str) -> SESFault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.applies_to(operation):
                    del self._faults[index]
                    return fault
        return None

    def _remember_configuration_set(self, message_id: str, name: str) -> None:
        with self._lock:
            self._configuration_sets[message_id] = name

    def _record(self, request: ProxiedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _account(self) -> dict[str, Any]:
        """SES v2 ``GetAccount``, which moto lacks."""
        return {
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": True,
            "SendQuota": {
                "Max24HourSend": self.max_24_hour_send,
                "MaxSendRate": self.max_send_rate,
                "SentLast24Hours": float(len(self._backend.sent_messages)),
            },
            "SendingEnabled": True,
            "SuppressionAttributes": {"SuppressedReasons": []},
        }
