"""The only place that sends email: Django's email API (django-ses in production, a file or the console
in the embedded mode). It classifies every failure, because what happens next depends on it:

- SendTransient: SES did not take the message (throttling, a 5xx, no connection - including a connect
  timeout and a TLS handshake that failed, both before the request was written): try again later.
- SendPermanent: SES refused it for good (rejected address, unverified sender, message too large).
- SendAmbiguous: the request went out but no answer came back: it may have been sent. Never resend
  automatically; a person resolves it.
"""

import ssl
import threading
import uuid

from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError, SSLError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from finemanwest.metrics import external_call
from replies.addresses import draft_message_id, draft_reply_address

from ..models import CollectionSettings, EmailDraft

TRANSIENT_CODES = {
    "Throttling", "ThrottlingException", "TooManyRequestsException", "ServiceUnavailable",
    "ServiceUnavailableException", "InternalFailure", "InternalServerError", "RequestTimeout",
}  # fmt: skip


class SendTransient(Exception):
    pass


class SendPermanent(Exception):
    pass


class SendAmbiguous(Exception):
    pass


def build_message(*, draft: EmailDraft, collection: CollectionSettings) -> EmailMultiAlternatives:
    sender = settings.DEFAULT_FROM_EMAIL
    if collection.sender_email:
        sender = (
            f"{collection.sender_name} <{collection.sender_email}>"
            if collection.sender_name
            else collection.sender_email
        )
    cc = []
    if collection.cc_other_contacts:  # read before "sending" was committed when draft_send set cc_emails
        cc = getattr(draft, "cc_emails", None)
        if cc is None:
            cc = list(
                draft.account.contacts.exclude(email="").exclude(email=draft.recipient_email)
                .filter(suppressed_at__isnull=True).values_list("email", flat=True)
            )  # fmt: skip
    # Replies come back to an address that names the draft (SES receiving); the organization's own reply-to
    # address, when it has one, gets a copy.
    reply_to = [address for address in (draft_reply_address(draft_id=draft.pk), collection.reply_to) if address]
    message = EmailMultiAlternatives(
        subject=draft.subject,
        body=draft.body_text,
        from_email=sender,
        to=[draft.recipient_email],
        cc=cc,
        reply_to=reply_to or None,
        headers={"X-Fineman-Draft": str(draft.pk), "Message-ID": draft_message_id(draft_id=draft.pk)},
    )
    # HTML comes from our templates with every value escaped, never markup written by the model: the renderer's
    # layout as generated, or - once a person has edited the text - that text as simple paragraphs.
    html = draft.body_html or render_to_string(
        "emails/collection_email_text.html", {"draft": draft, "paragraphs": draft.body_text.split("\n\n")}
    )
    message.attach_alternative(html, "text/html")
    return message


_held = threading.local()


def _connection():
    """One open email connection per thread: django-ses builds a boto3 client per connection, which costs
    more than the send itself."""
    key = (settings.EMAIL_BACKEND, settings.AWS_SES_REGION_NAME, getattr(settings, "AWS_SES_REGION_ENDPOINT_URL", None))
    if getattr(_held, "key", None) != key:
        _held.connection = get_connection(fail_silently=False)
        _held.connection.open()
        _held.key = key
    return _held.connection


def ses_client_ready() -> None:
    """Build (once per thread) the connection and its boto3 client, so the send that follows does not."""
    _connection()


def _before_request(exc: SSLError) -> bool:
    """A TLS error in the handshake (certificate, protocol) came before our request was written; one in
    the middle of a connection that worked may have come after SES read it."""
    cause = exc.kwargs.get("error")
    inner = getattr(cause, "__cause__", None) or (cause.args[0] if getattr(cause, "args", None) else None)
    if isinstance(inner, ssl.SSLCertVerificationError | ssl.CertificateError):
        return True
    text = str(exc).lower()
    return any(mark in text for mark in ("certificate", "handshake", "wrong_version_number", "unsupported protocol"))


def ses_send(*, draft: EmailDraft, collection: CollectionSettings) -> str:
    """Send the draft's email; returns the message id SES gave it (or a local one off SES)."""
    message = build_message(draft=draft, collection=collection)
    try:
        with external_call("ses", "send"):
            _connection().send_messages([message])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in TRANSIENT_CODES or status >= 500 or status == 429:
            raise SendTransient(f"SES {code or status}: {exc}") from exc
        raise SendPermanent(
            f"SES refused the message ({code}): {exc.response.get('Error', {}).get('Message', '')}"
        ) from exc
    except SSLError as exc:
        if _before_request(exc):
            raise SendTransient(f"SES could not be reached (TLS): {exc}") from exc
        raise SendAmbiguous(f"SES's connection broke after the message was sent: {type(exc).__name__}") from exc
    except BotoConnectionError as exc:
        # EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError: no connection, nothing written.
        raise SendTransient(f"SES could not be reached: {exc}") from exc
    except (ConnectionClosedError, ReadTimeoutError) as exc:
        raise SendAmbiguous(f"SES did not answer after the message was sent: {type(exc).__name__}") from exc
    return message.extra_headers.get("message_id") or f"local-{uuid.uuid4().hex}"
