"""The only place that sends email: Django's email API (django-ses in production, a file or the console
in the embedded mode). It classifies every failure, because what happens next depends on it:

- SendTransient: SES did not take the message (throttling, a 5xx, no connection): try again later.
- SendPermanent: SES refused it for good (rejected address, unverified sender, message too large).
- SendAmbiguous: the request went out but no answer came back: it may have been sent. Never resend
  automatically; a person resolves it.
"""

import threading
import uuid

from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from finemanwest.metrics import external_call

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
    if collection.cc_other_contacts:
        cc = list(
            draft.account.contacts.exclude(email="").exclude(email=draft.recipient_email)
            .filter(suppressed_at__isnull=True).values_list("email", flat=True)
        )  # fmt: skip
    message = EmailMultiAlternatives(
        subject=draft.subject,
        body=draft.body_text,
        from_email=sender,
        to=[draft.recipient_email],
        cc=cc,
        reply_to=[collection.reply_to] if collection.reply_to else None,
        headers={"X-Fineman-Draft": str(draft.pk)},
    )
    # HTML comes from our template with the text escaped: never markup written by the model.
    html = render_to_string(
        "emails/collection_email.html", {"draft": draft, "paragraphs": draft.body_text.split("\n\n")}
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
    except EndpointConnectionError as exc:
        raise SendTransient(f"SES could not be reached: {exc}") from exc
    except (ConnectionClosedError, ReadTimeoutError) as exc:
        raise SendAmbiguous(f"SES did not answer after the message was sent: {type(exc).__name__}") from exc
    return message.extra_headers.get("message_id") or f"local-{uuid.uuid4().hex}"
