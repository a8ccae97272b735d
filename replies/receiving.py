"""SES receiving: a received email arrives as an SNS notification, signed; its raw MIME message is in the
notification (an SNS action) or in S3 (an S3 action that notifies SNS). Stored once per notification, matched to
its account, and the account paused at once: no further email until a collector has looked."""

from __future__ import annotations

import base64
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from accounts.models import Account
from accounts.services import account_update, audit_event_record

from .matching import inbound_match
from .models import InboundAttachment, InboundMessage
from .parsing import mail_parse

logger = logging.getLogger(__name__)


class InboundUnavailable(Exception):
    """The raw message could not be fetched now (S3): SNS retries the notification."""


def _raw_from_s3(action: dict) -> bytes:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("s3", region_name=settings.AWS_SES_REGION_NAME or None,
                          endpoint_url=settings.AWS_S3_ENDPOINT_URL)  # fmt: skip
    try:
        answer = client.get_object(Bucket=action["bucketName"], Key=action["objectKey"])
        return answer["Body"].read(settings.INBOUND_MAX_BYTES)
    except (BotoCoreError, ClientError) as exc:
        raise InboundUnavailable(f"S3 {action.get('bucketName')}/{action.get('objectKey')}: {exc}") from exc


def inbound_raw(message: dict) -> bytes:
    """The raw MIME message of an SES "Received" notification."""
    action = (message.get("receipt") or {}).get("action") or {}
    if action.get("type") == "S3" and action.get("bucketName") and action.get("objectKey"):
        return _raw_from_s3(action)
    content = message.get("content")
    if not isinstance(content, str):
        raise ValueError("the notification has neither the message nor where it is in S3")
    if action.get("encoding") == "BASE64":
        return base64.b64decode(content)
    return content.encode("utf-8", errors="surrogateescape")


def _authenticated(receipt: dict) -> bool:
    return any((receipt.get(name) or {}).get("status") == "PASS" for name in ("spfVerdict", "dkimVerdict"))


def reply_pause(inbound: InboundMessage, *, actor=None) -> None:
    """Pause the reply's account (no email until a collector looks) and say why on its timeline."""
    account = Account.objects.select_for_update().select_related("organization").get(pk=inbound.account_id)
    paused = not account.escalation_paused
    if paused:
        account_update(account=account, actor=actor, escalation_paused=True)
        InboundMessage.objects.filter(pk=inbound.pk).update(paused_account=True)
        inbound.paused_account = True
    reason = f"{inbound.sender or 'The customer'} replied" + (
        f' ("{inbound.subject[:120]}")' if inbound.subject else ""
    )
    reason += ": escalation paused until a collector looks." if paused else "; escalation was already paused."
    audit_event_record(organization=account.organization, action="reply.received", obj=account, actor=actor,
                       payload={"reply_id": inbound.pk, "reason": reason, "paused": paused})  # fmt: skip


def inbound_receive(*, notification_id: str, message: dict) -> InboundMessage:
    """Store a received email once (a redelivered notification returns the stored one) and pause its account."""
    existing = InboundMessage.objects.filter(notification_id=notification_id).first()
    if existing is not None:
        return existing
    mail, receipt = message.get("mail") or {}, message.get("receipt") or {}
    raw = inbound_raw(message)
    parsed = mail_parse(raw)
    recipients = [*(receipt.get("recipients") or []), *(mail.get("destination") or [])]
    match = inbound_match(parsed=parsed, envelope_recipients=recipients, authenticated=_authenticated(receipt))
    inbound = InboundMessage(
        organization=match.organization, account=match.account, draft=match.draft, contact=match.contact,
        matched_by=match.matched_by, notification_id=notification_id[:100],
        ses_message_id=str(mail.get("messageId", ""))[:200], message_id_header=parsed.message_id,
        in_reply_to=parsed.in_reply_to, references=parsed.references, sender=parsed.sender,
        sender_name=parsed.sender_name, recipients=parsed.recipients, subject=parsed.subject, sent_at=parsed.date,
        text=parsed.text, html=parsed.html, reply_text=parsed.reply_text,
    )  # fmt: skip
    try:
        with transaction.atomic():
            inbound.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
            inbound.save()
            for attachment in parsed.attachments:
                row = InboundAttachment(
                    message=inbound,
                    filename=attachment.filename,
                    content_type=attachment.content_type[:100],
                    size=len(attachment.content),
                )
                row.file.save(attachment.filename, ContentFile(attachment.content), save=True)
            if inbound.account_id is not None:
                reply_pause(inbound)
    except IntegrityError:  # a second copy of the notification raced the first and lost
        return InboundMessage.objects.get(notification_id=notification_id[:100])
    logger.info("reply %s stored (%s)", inbound.pk, inbound.matched_by)  # no addresses or text: personal data

    from .tasks import inbound_read_task

    transaction.on_commit(lambda: inbound_read_task.delay(inbound.pk))
    return inbound
