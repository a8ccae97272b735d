"""The real django-ses backend and boto3 against a local SES fake: what SES receives, exactly once."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from accounts.models import Contact
from devtools import sns_events
from devtools.fake_ses import SESFault
from escalation.delivery.services import draft_send
from escalation.delivery.ses import SendTransient
from escalation.models import EmailDraft
from escalation.policies import collection_settings_get
from escalation.tests.ledger import AS_OF, active_templates, owing_account
from templates_app.models import EmailTemplate

S = EmailDraft.Status


@pytest.fixture
def ses(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)  # as production: one attempt per SES call
    return fake_ses


def _queued_draft(organization):
    active_templates(organization)
    collection = collection_settings_get(organization=organization)
    collection.sender_name, collection.sender_email = "Riverbend AR", "ar@example.com"
    collection.reply_to = "dana@example.com"
    collection.save()
    account = owing_account(organization, days_overdue=45, name="Northwind Traders", email="ap@northwind.example")
    return EmailDraft.objects.create(
        organization=organization, account=account, snapshot_date=AS_OF, degree=2, contact=account.contacts.get(),
        template=EmailTemplate.objects.get(identifier="firm-reminder"), recipient_email="ap@northwind.example",
        subject="Your account is past due", body_text="Dear Maria,\n\nPlease pay 1,000.00 USD.\n\nRegards",
        status=S.QUEUED, check_passed=True,
        facts={"invoices": [{"invoice_no": account.invoices.get().invoice_no, "outstanding": "1000.00"}]},
    )  # fmt: skip


@pytest.mark.django_db
def test_ses_receives_exactly_the_email(organization, ses):
    draft = _queued_draft(organization)
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.SENT
    (message,) = ses.sent_messages()
    assert draft.ses_message_id == message.message_id
    assert message.subject == "Your account is past due"
    assert message.to == ["ap@northwind.example"] and message.reply_to == ["dana@example.com"]
    assert message.from_header == "Riverbend AR <ar@example.com>"
    assert "Please pay 1,000.00 USD." in message.text and "Please pay 1,000.00 USD." in message.html
    assert message.configuration_set == "collections"
    assert message.header("X-Fineman-Draft") == str(draft.pk)


@pytest.mark.django_db
def test_throttling_is_retried_later_and_then_sent_once(organization, ses):
    draft = _queued_draft(organization)
    ses.enqueue(SESFault.throttling())
    with pytest.raises(SendTransient):
        draft_send(draft_id=draft.pk, final_attempt=False)
    draft.refresh_from_db()
    assert draft.status == S.QUEUED and "retry" in draft.status_reason
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.SENT and len(ses.sent_messages()) == 1


@pytest.mark.django_db
def test_a_rejected_message_fails_with_the_reason(organization, ses):
    draft = _queued_draft(organization)
    ses.enqueue(SESFault.message_rejected("Email address is not verified."))
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.FAILED and "not verified" in draft.status_reason
    assert ses.sent_messages() == []


@pytest.mark.django_db
def test_an_answer_lost_after_sending_ends_in_unknown_and_is_not_resent(organization, ses):
    draft = _queued_draft(organization)
    ses.enqueue(SESFault.after_send_drop_connection())
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.UNKNOWN and "Check SES" in draft.status_reason
    draft_send(draft_id=draft.pk)  # a redelivered task
    assert len(ses.sent_messages()) == 1


@pytest.mark.django_db
def test_a_signed_hard_bounce_suppresses_the_contact(organization, ses, sns, client):
    draft = draft_send(draft_id=_queued_draft(organization).pk)
    body = sns_events.bounce_event(draft.ses_message_id, "ap@northwind.example")
    response = sns_events.post(client, reverse("ses-events"), body)
    assert response.status_code == 200
    assert Contact.objects.get(email="ap@northwind.example").suppressed_at is not None
    tampered = body.replace("Permanent", "Transient")
    assert sns_events.post(client, reverse("ses-events"), tampered).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_draft_send_one_email(organization, ses):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections: PostgreSQL")
    draft = _queued_draft(organization)
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            draft_send(draft_id=draft.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    draft.refresh_from_db()
    assert draft.status == S.SENT
    assert len(ses.sent_messages()) == 1
