"""SES events (through django-ses's SNS webhook and its signals): delivery, bounce, complaint, open,
click. A hard bounce or a complaint suppresses the contact until a person lifts it."""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_ses import signals

from accounts.models import Contact
from accounts.services import contact_suppress

from ..models import DeliveryEvent, EmailDraft


def _record(event_type: str, mail_obj: dict, detail: dict, recipients: list[str]) -> EmailDraft | None:
    message_id = mail_obj.get("messageId", "")
    draft = EmailDraft.objects.select_related("account__organization").filter(ses_message_id=message_id).first()
    if draft is None:
        return None  # not one of ours (another app on the same configuration set)
    occurred = parse_datetime(detail.get("timestamp", "") or mail_obj.get("timestamp", "") or "")
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(organization_id=draft.organization_id, draft=draft, ses_message_id=message_id,
                      event_type=event_type, recipient=recipient[:254], detail=detail, occurred_at=occurred)
        for recipient in (recipients or [""])
    )  # fmt: skip
    return draft


def _suppress(draft: EmailDraft, recipients: list[str], reason: str) -> None:
    emails = [r.strip().lower() for r in recipients]
    contacts = Contact.objects.filter(account__organization=draft.account.organization, email__in=emails,
                                      suppressed_at__isnull=True).select_related("account__organization")  # fmt: skip
    for contact in contacts:
        contact_suppress(contact=contact, reason=reason)


@receiver(signals.delivery_received)
def on_delivery(sender, mail_obj, delivery_obj, raw_message=None, **kwargs):
    draft = _record("delivery", mail_obj, delivery_obj, delivery_obj.get("recipients", []))
    if draft is not None and draft.delivered_at is None:
        EmailDraft.objects.filter(pk=draft.pk).update(delivered_at=timezone.now())


@receiver(signals.bounce_received)
def on_bounce(sender, mail_obj, bounce_obj, raw_message=None, **kwargs):
    recipients = [r.get("emailAddress", "") for r in bounce_obj.get("bouncedRecipients", [])]
    draft = _record("bounce", mail_obj, bounce_obj, recipients)
    if draft is not None and bounce_obj.get("bounceType") == "Permanent":
        _suppress(draft, recipients, f"Hard bounce ({bounce_obj.get('bounceSubType', 'General')})")


@receiver(signals.complaint_received)
def on_complaint(sender, mail_obj, complaint_obj, raw_message=None, **kwargs):
    recipients = [r.get("emailAddress", "") for r in complaint_obj.get("complainedRecipients", [])]
    draft = _record("complaint", mail_obj, complaint_obj, recipients)
    if draft is not None:
        _suppress(draft, recipients, "Complaint (marked as spam)")


@receiver(signals.open_received)
def on_open(sender, mail_obj, open_obj=None, raw_message=None, **kwargs):
    _record("open", mail_obj, open_obj or {}, mail_obj.get("destination", []))


@receiver(signals.click_received)
def on_click(sender, mail_obj, click_obj=None, raw_message=None, **kwargs):
    _record("click", mail_obj, click_obj or {}, mail_obj.get("destination", []))
