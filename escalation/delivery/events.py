"""SES events (through django-ses's SNS webhook and its signals): send, delivery, bounce, complaint,
open, click. A hard bounce or a complaint suppresses the contact until a person lifts it.

SNS delivers at least once: a notification whose SNS MessageId was stored already is ignored (and the
database refuses a second copy racing the first). The events carry the message's headers, ours
included, so a draft whose SES id never reached the database (the worker died or the database went
away right after SES accepted it) is recognised by its X-Fineman-Draft header and marked sent.
"""

import json

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_ses import signals

from accounts.models import Contact
from accounts.services import contact_suppress

from ..models import DeliveryEvent, EmailDraft


def _notification_id(raw_message) -> str:
    try:
        envelope = json.loads(raw_message or b"{}")
    except (TypeError, ValueError):
        return ""
    return str(envelope.get("MessageId", ""))[:100] if isinstance(envelope, dict) else ""


def _draft_from_headers(mail_obj: dict) -> EmailDraft | None:
    """Our draft named by the X-Fineman-Draft header, when its row does not know SES's id yet."""
    from .services import draft_mark_sent_by_ses

    named = [h.get("value", "") for h in mail_obj.get("headers", []) if h.get("name", "").lower() == "x-fineman-draft"]
    if not named or not named[0].strip().isdigit() or not mail_obj.get("messageId"):
        return None
    draft = EmailDraft.objects.filter(pk=int(named[0]), ses_message_id="").first()
    if draft is None:
        return None
    draft_mark_sent_by_ses(draft_id=draft.pk, message_id=mail_obj["messageId"], how="an SES event")
    return EmailDraft.objects.select_related("account__organization").get(pk=draft.pk)


def _record(
    event_type: str, mail_obj: dict, detail: dict, recipients: list[str], raw_message=None
) -> EmailDraft | None:
    """Store the event once; returns its draft, or None when it is not ours or was stored before."""
    message_id = mail_obj.get("messageId", "")
    notification_id = _notification_id(raw_message)
    if notification_id and DeliveryEvent.objects.filter(notification_id=notification_id).exists():
        return None  # SNS delivered this notification again
    draft = EmailDraft.objects.select_related("account__organization").filter(ses_message_id=message_id).first()
    if draft is None and message_id:
        draft = _draft_from_headers(mail_obj)
    if draft is None:
        return None  # not one of ours (another app on the same configuration set)
    occurred = parse_datetime(detail.get("timestamp", "") or mail_obj.get("timestamp", "") or "")
    try:
        with transaction.atomic():
            DeliveryEvent.objects.bulk_create(
                DeliveryEvent(organization_id=draft.organization_id, draft=draft, ses_message_id=message_id,
                              notification_id=notification_id, event_type=event_type, recipient=recipient[:254],
                              detail=detail, occurred_at=occurred)
                for recipient in (recipients or [""])
            )  # fmt: skip
    except IntegrityError:
        return None  # a second copy of the notification raced the first and lost
    return draft


def _suppress(draft: EmailDraft, recipients: list[str], reason: str) -> None:
    emails = [r.strip().lower() for r in recipients]
    contacts = Contact.objects.filter(account__organization=draft.account.organization, email__in=emails,
                                      suppressed_at__isnull=True).select_related("account__organization")  # fmt: skip
    for contact in contacts:
        contact_suppress(contact=contact, reason=reason)


@receiver(signals.send_received)
def on_send(sender, mail_obj, send_obj=None, raw_message=None, **kwargs):
    _record("send", mail_obj, send_obj or {}, mail_obj.get("destination", []), raw_message)


@receiver(signals.delivery_received)
def on_delivery(sender, mail_obj, delivery_obj, raw_message=None, **kwargs):
    draft = _record("delivery", mail_obj, delivery_obj, delivery_obj.get("recipients", []), raw_message)
    if draft is not None and draft.delivered_at is None:
        EmailDraft.objects.filter(pk=draft.pk).update(delivered_at=timezone.now())


@receiver(signals.bounce_received)
def on_bounce(sender, mail_obj, bounce_obj, raw_message=None, **kwargs):
    recipients = [r.get("emailAddress", "") for r in bounce_obj.get("bouncedRecipients", [])]
    draft = _record("bounce", mail_obj, bounce_obj, recipients, raw_message)
    if draft is not None and bounce_obj.get("bounceType") == "Permanent":
        _suppress(draft, recipients, f"Hard bounce ({bounce_obj.get('bounceSubType', 'General')})")


@receiver(signals.complaint_received)
def on_complaint(sender, mail_obj, complaint_obj, raw_message=None, **kwargs):
    recipients = [r.get("emailAddress", "") for r in complaint_obj.get("complainedRecipients", [])]
    draft = _record("complaint", mail_obj, complaint_obj, recipients, raw_message)
    if draft is not None:
        _suppress(draft, recipients, "Complaint (marked as spam)")


@receiver(signals.open_received)
def on_open(sender, mail_obj, open_obj=None, raw_message=None, **kwargs):
    _record("open", mail_obj, open_obj or {}, mail_obj.get("destination", []), raw_message)


@receiver(signals.click_received)
def on_click(sender, mail_obj, click_obj=None, raw_message=None, **kwargs):
    _record("click", mail_obj, click_obj or {}, mail_obj.get("destination", []), raw_message)
