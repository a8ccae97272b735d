"""SES events update the draft; a hard bounce or a complaint suppresses the contact."""

import pytest
from django.utils import timezone
from django_ses import signals

from accounts.models import Contact
from escalation.models import DeliveryEvent, EmailDraft
from escalation.tests.ledger import AS_OF, active_templates, owing_account
from templates_app.models import EmailTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(organization):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind", email="ap@northwind.example")
    return EmailDraft.objects.create(
        organization=organization, account=account, snapshot_date=AS_OF, degree=2,
        template=EmailTemplate.objects.get(identifier="firm-reminder"), recipient_email="ap@northwind.example",
        contact=account.contacts.get(), status=EmailDraft.Status.SENT, ses_message_id="0100-msg-1",
        sent_at=timezone.now(),
    )  # fmt: skip


def _mail(message_id="0100-msg-1"):
    return {"messageId": message_id, "destination": ["ap@northwind.example"], "timestamp": "2025-03-03T10:00:00Z"}


def _send(signal, name, obj, message_id="0100-msg-1"):
    signal.send(sender=None, mail_obj=_mail(message_id), raw_message=b"{}", **{f"{name}_obj": obj})


def test_delivery_is_recorded_on_the_draft(sent):
    _send(signals.delivery_received, "delivery", {"recipients": ["ap@northwind.example"]})
    sent.refresh_from_db()
    assert sent.delivered_at is not None
    assert DeliveryEvent.objects.get().event_type == "delivery"


def test_a_hard_bounce_suppresses_the_contact(sent):
    bounce = {"bounceType": "Permanent", "bounceSubType": "General",
              "bouncedRecipients": [{"emailAddress": "AP@northwind.example"}]}  # fmt: skip
    _send(signals.bounce_received, "bounce", bounce)
    contact = Contact.objects.get(email="ap@northwind.example")
    assert contact.suppressed_at is not None and "Hard bounce" in contact.suppression_reason


def test_a_soft_bounce_does_not_suppress(sent):
    bounce = {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "ap@northwind.example"}]}
    _send(signals.bounce_received, "bounce", bounce)
    assert Contact.objects.get(email="ap@northwind.example").suppressed_at is None
    assert DeliveryEvent.objects.get().event_type == "bounce"


def test_a_complaint_suppresses_the_contact(sent):
    _send(signals.complaint_received, "complaint", {"complainedRecipients": [{"emailAddress": "ap@northwind.example"}]})
    assert Contact.objects.get(email="ap@northwind.example").suppressed_at is not None


def test_opens_and_clicks_are_recorded(sent):
    _send(signals.open_received, "open", {"timestamp": "2025-03-03T11:00:00Z"})
    _send(signals.click_received, "click", {"link": "https://pay.example/inv"})
    assert sorted(sent.events.values_list("event_type", flat=True)) == ["click", "open"]


def test_events_for_other_messages_are_ignored(sent):
    _send(signals.bounce_received, "bounce", {"bounceType": "Permanent",
          "bouncedRecipients": [{"emailAddress": "ap@northwind.example"}]}, message_id="someone-else")  # fmt: skip
    assert not DeliveryEvent.objects.exists()
    assert Contact.objects.get(email="ap@northwind.example").suppressed_at is None
