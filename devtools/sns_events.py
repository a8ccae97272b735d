"""Really signed SNS notifications of SES events, for testing django-ses's event webhook offline.

SES publishes sending events through a configuration set's SNS event destination; SNS POSTs them to the webhook
(``django_ses.views.SESEventWebhookView``, mounted at ``ses/events/`` in ``finemanwest/urls.py``). The builders here
return the exact body SNS would POST - the ``Notification`` envelope (``Type``, ``MessageId``, ``TopicArn``,
``Message`` = the SES event as a JSON string, ``Timestamp``, ``SignatureVersion``, ``Signature``, ``SigningCertURL``,
``UnsubscribeURL``) - signed with a private key whose certificate the webhook really downloads and checks::

    body = sns_events.bounce_event(message_id, "ap@riverbend.example")     # a JSON str
    response = sns_events.post(client, "/ses/events/", body)

Event builders (``eventType``; django-ses 4.8.2 signal, or what it does):

* ``send_event`` ("Send"; ``send_received``), ``delivery_event`` ("Delivery"; ``delivery_received``),
  ``bounce_event`` ("Bounce", ``bounce_type`` "Permanent" / "Transient" / "Undetermined"; ``bounce_received``),
  ``complaint_event`` ("Complaint"; ``complaint_received``), ``open_event`` ("Open"; ``open_received``),
  ``click_event`` ("Click"; ``click_received``).
* ``reject_event`` ("Reject") and ``delivery_delay_event`` ("DeliveryDelay"): django-ses has no handler and no signal
  for these - it logs "Received unknown event" and answers 200.
* ``subscription_confirmation()``: django-ses checks signature and topic, then GETs ``SubscribeURL`` with
  ``urllib.request.urlopen`` - but only an ``https://sns.<region>.amazonaws.com`` URL; any other is logged as
  "Untrusted SubscribeURL" and not fetched. The default here is a real-looking SNS URL, so a test must replace
  ``django_ses.utils.urlopen`` (or pass a ``subscribe_url`` on 127.0.0.1) to stay offline.

Every builder takes ``recipients`` (one address or a list; the message's ``mail.destination``; ``bounce_event`` and
``complaint_event`` take the bounced / complaining ``recipient`` first and ``recipients=`` only when the destination
was wider) and the keyword options ``source``, ``subject``, ``configuration_set``, ``sent_at`` (the ``mail``
object), ``topic_arn``, ``signature_version``, ``cert_url``, ``key`` (the envelope) - see ``ses_event``.
``message_id`` is SES's message id, the one ``FakeSES`` / django-ses put in ``message.extra_headers["message_id"]``.

Signing, as SNS does it: the string to sign is ``"<Key>\\n<value>\\n"`` for ``Message, MessageId, Subject (only when
present), Timestamp, TopicArn, Type`` (a ``SubscriptionConfirmation``: ``Message, MessageId, SubscribeURL, Timestamp,
Token, TopicArn, Type``), signed with RSA PKCS#1 v1.5 - SHA1 for ``SignatureVersion`` "1", SHA256 for "2". django-ses
4.8.2 (``django_ses.utils.EventMessageVerifier``) builds the same string but always verifies with SHA1, whatever
``SignatureVersion`` says: a topic switched to SignatureVersion 2 has every notification rejected (400). So "1" is
the default here; "2" is there to show that.

How the verifier gets the certificate, kept on and offline: django-ses only accepts a ``SigningCertURL`` that starts
with ``https://`` and whose host[:port] ends with an entry of ``AWS_SNS_EVENT_CERT_TRUSTED_DOMAINS`` (default
``amazonaws.com``, ``amazon.com``), downloads it with ``requests.get(url, timeout=10)`` - TLS verified, so the CA
bundle comes from ``REQUESTS_CA_BUNDLE`` - and caches it per URL in ``django_ses.utils._CERT_CACHE`` (a failed
download is cached as ``None``; ``django_ses.utils.clear_cert_cache()`` empties it). ``CertificateServer`` serves the
signing certificate over HTTPS on 127.0.0.1 (a free port) with its own throw-away CA; ``sns_settings()`` trusts
exactly ``127.0.0.1:PORT`` and ``sns_environ()`` points ``REQUESTS_CA_BUNDLE`` at a bundle of that CA plus the
bundle in use before. The keys (RSA 2048 for signing, EC P-256 for TLS) are made once per process, on first use.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import datetime
import ipaddress
import json
import logging
import os
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
import uuid
from collections.abc import Sequence
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "TOPIC_ARN",
    "CertificateServer",
    "bounce_event",
    "certificate_server",
    "click_event",
    "complaint_event",
    "delivery_delay_event",
    "delivery_event",
    "mail_object",
    "notification",
    "open_event",
    "post",
    "reject_event",
    "send_event",
    "ses_event",
    "sign",
    "sns_environ",
    "sns_settings",
    "string_to_sign",
    "subscription_confirmation",
]

log = logging.getLogger(__name__)

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:ses-collections-events"
DEFAULT_SOURCE = "collections@example.com"
DEFAULT_CONFIGURATION_SET = "collections"

_NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
_HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


# ------------------------------------------------------------------------------------------------------------- keys


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "finemanwest devtools (test only)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _validity(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return builder.not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))


@cache
def _signing_identity() -> tuple[rsa.RSAPrivateKey, bytes]:
    """The key SNS notifications are signed with and its self-signed certificate (PEM), served at SigningCertURL."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name("sns.fake.test")
    cert = (
        _validity(x509.CertificateBuilder())
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@cache
def _tls_identity() -> tuple[bytes, bytes, bytes]:
    """A throw-away CA and a server certificate for 127.0.0.1 / localhost: (CA PEM, server cert PEM, server key PEM)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("devtools fake SNS CA")
    ca_cert = (
        _validity(x509.CertificateBuilder())
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _validity(x509.CertificateBuilder())
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return (
        ca_cert.public_bytes(serialization.Encoding.PEM),
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def signing_certificate_pem() -> bytes:
    return _signing_identity()[1]


# ---------------------------------------------------------------------------------------------- certificate server


class _HTTPSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, owner: CertificateServer, context: ssl.SSLContext) -> None:
        self.owner = owner
        self.context = context
        super().__init__(("127.0.0.1", 0), _CertificateHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no reverse DNS lookup of the host name
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        sock.settimeout(5)
        # The TLS handshake happens in the handler thread, not in the accept loop.
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("CertificateServer: error while handling a request from %s", client_address, exc_info=True)


class _CertificateHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSNSCertificates/1.0"
    sys_version = ""
    server: _HTTPSServer

    def setup(self) -> None:
        self.request.do_handshake()
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("CertificateServer: " + format, *args)

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._record(self.path)
        if self.path == owner.cert_path:
            body, status, content_type = signing_certificate_pem(), 200, "application/x-x509-ca-cert"
        else:
            body, status, content_type = b"Not Found\n", 404, "text/plain"
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class CertificateServer:
    """Serves the SNS signing certificate over HTTPS on 127.0.0.1 (a free port), with a CA of its own.

    ``cert_url`` (the ``SigningCertURL``), ``trusted_domain`` (for ``AWS_SNS_EVENT_CERT_TRUSTED_DOMAINS``),
    ``ca_bundle`` (a file for ``REQUESTS_CA_BUNDLE``: this server's CA plus the bundle in use when it started),
    ``requests`` (the paths GET so far; ``clear_requests()``).
    """

    cert_path = f"/SimpleNotificationService-{uuid.uuid4().hex}.pem"

    def __init__(self) -> None:
        self._server: _HTTPSServer | None = None
        self._thread: threading.Thread | None = None
        self._dir: Path | None = None
        self._lock = threading.Lock()
        self._requests: list[str] = []

    def __enter__(self) -> CertificateServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> CertificateServer:
        if self._server is not None:
            raise RuntimeError("CertificateServer is already running")
        ca_pem, cert_pem, key_pem = _tls_identity()
        self._dir = Path(tempfile.mkdtemp(prefix="fake-sns-"))
        (self._dir / "server.pem").write_bytes(cert_pem + ca_pem)
        (self._dir / "server.key").write_bytes(key_pem)
        previous = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or _certifi_bundle()
        bundle = ca_pem
        if previous and Path(previous).is_file():
            bundle += b"\n" + Path(previous).read_bytes()
        (self._dir / "ca-bundle.pem").write_bytes(bundle)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self._dir / "server.pem", self._dir / "server.key")
        self._server = _HTTPSServer(self, context)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"CertificateServer-{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread, directory = self._server, self._thread, self._dir
        self._server = self._thread = self._dir = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(5)
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("CertificateServer is not running")
        return self._server.server_port

    @property
    def trusted_domain(self) -> str:
        # django-ses compares the URL's netloc, port included, label by label with the trusted entry's tail.
        return f"127.0.0.1:{self.port}"

    @property
    def cert_url(self) -> str:
        return f"https://{self.trusted_domain}{self.cert_path}"

    def url(self, path: str) -> str:
        return f"https://{self.trusted_domain}{path}"

    @property
    def ca_bundle(self) -> str:
        if self._dir is None:
            raise RuntimeError("CertificateServer is not running")
        return str(self._dir / "ca-bundle.pem")

    @property
    def requests(self) -> list[str]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, path: str) -> None:
        with self._lock:
            self._requests.append(path)


def _certifi_bundle() -> str | None:
    try:
        import certifi
    except ImportError:
        return None
    return certifi.where()


_shared: CertificateServer | None = None
_shared_lock = threading.Lock()


def certificate_server() -> CertificateServer:
    """The process-wide ``CertificateServer``, started on first use (stopped at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.running:
            _shared = CertificateServer().start()
            atexit.register(_shared.stop)
        return _shared


def sns_settings(server: CertificateServer | None = None) -> dict[str, Any]:
    """The Django settings that make django-ses verify these notifications (signature checks stay on)."""
    server = server or certificate_server()
    return {
        "AWS_SES_VERIFY_EVENT_SIGNATURES": True,
        "AWS_SNS_EVENT_CERT_TRUSTED_DOMAINS": [server.trusted_domain],
        "AWS_SNS_EVENT_TRUSTED_TOPIC_ARNS": [TOPIC_ARN],
    }


def sns_environ(server: CertificateServer | None = None) -> dict[str, str]:
    """The environment django-ses's certificate download (``requests``) needs to trust the local HTTPS server."""
    return {"REQUESTS_CA_BUNDLE": (server or certificate_server()).ca_bundle}


# ------------------------------------------------------------------------------------------------------- signing


def string_to_sign(envelope: dict[str, Any]) -> bytes:
    """SNS's canonical string: ``"Key\\nvalue\\n"`` for each signed key that has a value, in SNS's order."""
    fields = _NOTIFICATION_FIELDS if envelope.get("Type") == "Notification" else _CONFIRMATION_FIELDS
    return "".join(f"{name}\n{envelope[name]}\n" for name in fields if envelope.get(name)).encode()


def sign(
    envelope: dict[str, Any], *, signature_version: str = "1", key: rsa.RSAPrivateKey | None = None
) -> dict[str, Any]:
    """Set ``SignatureVersion`` and ``Signature`` on the envelope (SHA1withRSA for "1", SHA256withRSA for "2")."""
    if signature_version not in _HASHES:
        raise ValueError(f"SNS SignatureVersion is '1' or '2', not {signature_version!r}")
    key = key or _signing_identity()[0]
    # SHA1 is what SignatureVersion 1 means (and what django-ses verifies); this signs test data only.
    digest = _HASHES[signature_version]()
    signature = key.sign(string_to_sign(envelope), padding.PKCS1v15(), digest)
    envelope["SignatureVersion"] = signature_version
    envelope["Signature"] = base64.b64encode(signature).decode()
    return envelope


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _unsubscribe_url(topic_arn: str) -> str:
    subscription = f"{topic_arn}:{uuid.uuid4()}"
    region = topic_arn.split(":")[3] if topic_arn.count(":") >= 5 else REGION
    return f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={quote(subscription, safe=':')}"


def notification(
    message: dict[str, Any] | str,
    *,
    topic_arn: str = TOPIC_ARN,
    subject: str | None = None,
    signature_version: str = "1",
    cert_url: str | None = None,
    message_id: str | None = None,
    timestamp: datetime.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> str:
    """A signed SNS ``Notification`` carrying ``message`` (a dict is JSON-encoded, as SES does); the JSON body."""
    envelope: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message_id or str(uuid.uuid4()),
        "TopicArn": topic_arn,
    }
    if subject:
        envelope["Subject"] = subject
    envelope["Message"] = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
    envelope["Timestamp"] = _iso(timestamp or _now())
    sign(envelope, signature_version=signature_version, key=key)
    envelope["SigningCertURL"] = cert_url or certificate_server().cert_url
    envelope["UnsubscribeURL"] = _unsubscribe_url(topic_arn)
    return json.dumps(envelope, indent=2)


def subscription_confirmation(
    *,
    topic_arn: str = TOPIC_ARN,
    subscribe_url: str | None = None,
    token: str | None = None,
    signature_version: str = "1",
    cert_url: str | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> str:
    """A signed SNS ``SubscriptionConfirmation``. The default ``SubscribeURL`` is a real-looking SNS one."""
    token = token or (uuid.uuid4().hex * 4)
    region = topic_arn.split(":")[3]
    envelope: dict[str, Any] = {
        "Type": "SubscriptionConfirmation",
        "MessageId": str(uuid.uuid4()),
        "Token": token,
        "TopicArn": topic_arn,
        "Message": (
            f"You have chosen to subscribe to the topic {topic_arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        ),
        "SubscribeURL": subscribe_url
        or (
            f"https://sns.{region}.amazonaws.com/?Action=ConfirmSubscription"
            f"&TopicArn={quote(topic_arn, safe=':')}&Token={token}"
        ),
        "Timestamp": _iso(_now()),
    }
    sign(envelope, signature_version=signature_version, key=key)
    envelope["SigningCertURL"] = cert_url or certificate_server().cert_url
    return json.dumps(envelope, indent=2)


# --------------------------------------------------------------------------------------------------- SES events


def _addresses(recipients: str | Sequence[str]) -> list[str]:
    return [recipients] if isinstance(recipients, str) else list(recipients)


def mail_object(
    message_id: str,
    recipients: str | Sequence[str],
    *,
    source: str = DEFAULT_SOURCE,
    subject: str = "Invoice reminder",
    configuration_set: str | None = DEFAULT_CONFIGURATION_SET,
    sent_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The ``mail`` object of an SES event: the original message."""
    destination = _addresses(recipients)
    sent = _iso(sent_at or (_now() - datetime.timedelta(seconds=2)))
    domain = source.rsplit("@", 1)[-1].rstrip(">")
    tags: dict[str, list[str]] = {
        "ses:operation": ["SendEmail"],
        "ses:source-ip": ["192.0.2.1"],
        "ses:from-domain": [domain],
        "ses:caller-identity": ["finemanwest"],
    }
    if configuration_set:
        tags["ses:configuration-set"] = [configuration_set]
    headers = [
        {"name": "From", "value": source},
        {"name": "To", "value": ", ".join(destination)},
        {"name": "Subject", "value": subject},
        {"name": "MIME-Version", "value": "1.0"},
    ]
    return {
        "timestamp": sent,
        "source": source,
        "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{domain}",
        "sendingAccountId": ACCOUNT_ID,
        "messageId": message_id,
        "destination": destination,
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": {"from": [source], "to": destination, "messageId": message_id, "subject": subject},
        "tags": tags,
    }


_MAIL_OPTIONS = ("source", "subject", "configuration_set", "sent_at")
_ENVELOPE_OPTIONS = ("topic_arn", "signature_version", "cert_url", "key", "message_id", "timestamp")


def ses_event(
    event_type: str,
    message_id: str,
    recipients: str | Sequence[str],
    detail_key: str | None = None,
    detail: dict[str, Any] | None = None,
    **options: Any,
) -> str:
    """Any SES event as SNS delivers it: ``{"eventType": ..., "mail": ..., detail_key: detail}``, signed.

    ``options``: ``source``, ``subject``, ``configuration_set``, ``sent_at`` for the ``mail`` object; ``topic_arn``,
    ``signature_version``, ``cert_url``, ``key``, ``message_id`` (the SNS one), ``timestamp`` for the envelope.
    """
    unknown = set(options) - set(_MAIL_OPTIONS) - set(_ENVELOPE_OPTIONS)
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    mail = mail_object(message_id, recipients, **{k: v for k, v in options.items() if k in _MAIL_OPTIONS})
    message: dict[str, Any] = {"eventType": event_type, "mail": mail}
    if detail_key is not None:
        message[detail_key] = detail or {}
    return notification(message, **{k: v for k, v in options.items() if k in _ENVELOPE_OPTIONS})


def send_event(message_id: str, recipients: str | Sequence[str], **options: Any) -> str:
    return ses_event("Send", message_id, recipients, "send", {}, **options)


def delivery_event(
    message_id: str,
    recipients: str | Sequence[str],
    *,
    smtp_response: str = "250 2.6.0 Message received",
    processing_time_millis: int = 1534,
    **options: Any,
) -> str:
    detail = {
        "timestamp": _iso(_now()),
        "processingTimeMillis": processing_time_millis,
        "recipients": _addresses(recipients),
        "smtpResponse": smtp_response,
        "reportingMTA": "a8-70.smtp-out.amazonses.com",
    }
    return ses_event("Delivery", message_id, recipients, "delivery", detail, **options)


def bounce_event(
    message_id: str,
    recipient: str | Sequence[str],
    bounce_type: str = "Permanent",
    sub_type: str = "General",
    *,
    status: str | None = None,
    diagnostic_code: str | None = None,
    recipients: str | Sequence[str] | None = None,
    **options: Any,
) -> str:
    """A bounce of ``recipient`` (one or several); ``recipients`` is the whole ``mail.destination`` if different."""
    bounced = _addresses(recipient)
    transient = bounce_type != "Permanent"
    status = status or ("4.4.7" if transient else "5.1.1")
    diagnostic_code = diagnostic_code or (
        "smtp; 452 4.2.2 The email account is over quota" if transient else "smtp; 550 5.1.1 user unknown"
    )
    detail = {
        "feedbackId": f"{uuid.uuid4().hex}-000000",
        "bounceType": bounce_type,
        "bounceSubType": sub_type,
        "bouncedRecipients": [
            {"emailAddress": address, "action": "failed", "status": status, "diagnosticCode": diagnostic_code}
            for address in bounced
        ],
        "timestamp": _iso(_now()),
        "reportingMTA": "dns; a8-70.smtp-out.amazonses.com",
    }
    return ses_event("Bounce", message_id, recipients or bounced, "bounce", detail, **options)


def complaint_event(
    message_id: str,
    recipient: str | Sequence[str],
    *,
    feedback_type: str = "abuse",
    recipients: str | Sequence[str] | None = None,
    **options: Any,
) -> str:
    complained = _addresses(recipient)
    detail = {
        "feedbackId": f"{uuid.uuid4().hex}-000000",
        "complaintSubType": None,
        "complainedRecipients": [{"emailAddress": address} for address in complained],
        "timestamp": _iso(_now()),
        "userAgent": "Yahoo!-Mail-Feedback/2.0",
        "complaintFeedbackType": feedback_type,
        "arrivalDate": _iso(_now() - datetime.timedelta(minutes=5)),
    }
    return ses_event("Complaint", message_id, recipients or complained, "complaint", detail, **options)


_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537"


def open_event(
    message_id: str,
    recipients: str | Sequence[str],
    *,
    ip_address: str = "192.0.2.10",
    user_agent: str = _USER_AGENT,
    **options: Any,
) -> str:
    detail = {"ipAddress": ip_address, "timestamp": _iso(_now()), "userAgent": user_agent}
    return ses_event("Open", message_id, recipients, "open", detail, **options)


def click_event(
    message_id: str,
    recipients: str | Sequence[str],
    link: str,
    *,
    link_tags: dict[str, list[str]] | None = None,
    ip_address: str = "192.0.2.10",
    user_agent: str = _USER_AGENT,
    **options: Any,
) -> str:
    detail = {
        "ipAddress": ip_address,
        "timestamp": _iso(_now()),
        "userAgent": user_agent,
        "link": link,
        "linkTags": link_tags or {},
    }
    return ses_event("Click", message_id, recipients, "click", detail, **options)


def reject_event(message_id: str, recipients: str | Sequence[str], reason: str = "Bad content", **options: Any) -> str:
    return ses_event("Reject", message_id, recipients, "reject", {"reason": reason}, **options)


def delivery_delay_event(
    message_id: str,
    recipients: str | Sequence[str],
    delay_type: str = "TransientCommunicationFailure",
    **options: Any,
) -> str:
    detail = {
        "delayType": delay_type,
        "expirationTime": _iso(_now() + datetime.timedelta(hours=12)),
        "delayedRecipients": [
            {
                "emailAddress": address,
                "status": "4.4.1",
                "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host",
            }
            for address in _addresses(recipients)
        ],
        "timestamp": _iso(_now()),
    }
    return ses_event("DeliveryDelay", message_id, recipients, "deliveryDelay", detail, **options)


# ------------------------------------------------------------------------------------------------------ posting


def post(client: Any, path: str, body: str) -> Any:
    """POST ``body`` with Django's test ``client`` the way SNS does (``text/plain`` and the ``x-amz-sns-*`` headers)."""
    envelope = json.loads(body)
    headers = {
        "x-amz-sns-message-type": envelope.get("Type", ""),
        "x-amz-sns-message-id": envelope.get("MessageId", ""),
        "x-amz-sns-topic-arn": envelope.get("TopicArn", ""),
        "user-agent": "Amazon Simple Notification Service Agent",
    }
    with contextlib.suppress(KeyError):
        headers["x-amz-sns-subscription-arn"] = unquote(envelope["UnsubscribeURL"].rsplit("SubscriptionArn=", 1)[1])
    return client.post(path, data=body, content_type="text/plain; charset=UTF-8", headers=headers)
