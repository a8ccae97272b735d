"""Replies from customers (SES receiving) and what a collector did with them.

A reply is stored once per SNS notification (its MessageId is unique), raw as received and parsed; it belongs to
an organization, and usually to an account and the draft it answers. One that nothing matched keeps
``organization`` empty when even the organization is unknown: only the back office (superusers) lists those,
because showing them to a collector could leak one customer's mail to another organization.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Account, Contact, Organization


def _raw_path(instance, filename: str) -> str:
    return f"inbound/{timezone.now():%Y/%m}/{filename}"


def _attachment_path(instance, filename: str) -> str:
    return f"inbound/attachments/{instance.message_id}/{filename}"


class InboundMessage(models.Model):
    organization_path = "organization"

    class MatchedBy(models.TextChoices):
        REPLY_ADDRESS = "reply_address", "Reply address"
        THREAD = "thread", "In-Reply-To / References"
        SENDER = "sender", "Sender's address"
        NONE = "none", "Unmatched"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a collector"
        ANSWERED = "answered", "Answered"

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    draft = models.ForeignKey(
        "escalation.EmailDraft", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matched_by = models.CharField(max_length=20, choices=MatchedBy.choices, default=MatchedBy.NONE)
    # SNS delivers at least once: the notification's MessageId makes a second copy a no-op.
    notification_id = models.CharField(max_length=100, unique=True)
    ses_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    message_id_header = models.CharField(max_length=500, blank=True)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    sender = models.EmailField(max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The Date header.")
    received_at = models.DateTimeField(auto_now_add=True)
    raw = models.FileField(upload_to=_raw_path, max_length=300)
    text = models.TextField(blank=True, help_text="The plain-text part (or the HTML part as text).")
    html = models.TextField(blank=True)
    reply_text = models.TextField(blank=True, help_text="The new text: quoted history and signature removed.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    paused_account = models.BooleanField(default=False, help_text="This reply is what paused the account.")
    # What the reply seems to mean (Claude, or the rules offline): a proposal, applied only by a person.
    reading = models.JSONField(default=dict, blank=True)
    reading_source = models.CharField(max_length=20, blank=True)
    reading_error = models.CharField(max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True, help_text="What the collector did.")

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status", "-received_at"])]

    def __str__(self) -> str:
        return f"Reply from {self.sender or 'unknown sender'}: {self.subject[:80]}"

    @property
    def is_matched(self) -> bool:
        return self.account_id is not None


class InboundAttachment(models.Model):
    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.filename
