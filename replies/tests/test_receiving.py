"""A customer's reply to a sent email, end to end with the real parsing and signing: SES's signed SNS
notification reaches the inbound webhook, the reply is stored once, matched to its draft and the account is
paused at once; what cannot be matched is listed, and a forged notification is refused."""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from accounts.models import Account
from devtools import ses_inbound, sns_events
from escalation.delivery.services import draft_send
from escalation.selectors import account_timeline
from escalation.tests.test_sending_through_ses import _queued_draft
from replies.addresses import draft_reply_address
from replies.models import InboundMessage

pytestmark = pytest.mark.django_db
M = InboundMessage.MatchedBy


@pytest.fixture
def sent(organization, fake_ses, settings, inbound):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    return draft_send(draft_id=_queued_draft(organization).pk)


def _post(client, body):
    return sns_events.post(client, reverse("ses-inbound"), body)


def _reply(draft, text="We will pay the invoice on Friday.", **options):
    options.setdefault("in_reply_to", f"<{draft.ses_message_id}@email.amazonses.com>")
    return ses_inbound.reply_mime(sender="ap@northwind.example", to=draft_reply_address(draft_id=draft.pk),
                                  subject="Re: Your account is past due", text=text, **options)  # fmt: skip


def test_a_reply_is_stored_matched_by_its_address_and_pauses_the_account(
    client, sent, django_capture_on_commit_callbacks
):
    raw = _reply(
        sent,
        quoted="Dear Maria,\nPlease pay 1,000.00 USD.",
        attachments=[("remittance advice.pdf", "application/pdf", b"%PDF-1.4 remittance")],
    )
    body = ses_inbound.received_notification(raw, recipients=[draft_reply_address(draft_id=sent.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, body)
    assert response.status_code == 200
    reply = InboundMessage.objects.get()
    assert (reply.account, reply.draft, reply.matched_by) == (sent.account, sent, M.REPLY_ADDRESS)
    assert reply.sender == "ap@northwind.example" and reply.contact.email == "ap@northwind.example"
    assert reply.reply_text == "We will pay the invoice on Friday."  # the quoted history is gone
    assert "Please pay 1,000.00 USD." in reply.text
    assert reply.raw.read() == raw
    (attachment,) = reply.attachments.all()
    assert attachment.filename == "remittance_advice.pdf" and attachment.file.read() == b"%PDF-1.4 remittance"
    account = Account.objects.get(pk=sent.account_id)
    assert account.escalation_paused and reply.paused_account
    entry = next(entry for entry in account_timeline(account=account) if entry["kind"] == "reply.received")
    assert entry["label"] == "Customer replied" and "paused until a collector looks" in entry["detail"]["reason"]
    reply.refresh_from_db()  # read after the commit, by the task
    assert reply.reading["kind"] == "promise_to_pay" and reply.reading_source == "rules"


def test_a_redelivered_notification_is_stored_once(client, sent):
    body = ses_inbound.received_notification(_reply(sent), recipients=[draft_reply_address(draft_id=sent.pk)])
    assert _post(client, body).status_code == 200
    assert _post(client, body).status_code == 200
    assert InboundMessage.objects.count() == 1


def test_a_forged_notification_is_refused_and_nothing_is_stored(client, sent):
    body = ses_inbound.received_notification(_reply(sent), recipients=[draft_reply_address(draft_id=sent.pk)])
    tampered = body.replace("Friday", "never")
    assert _post(client, tampered).status_code == 400
    other_topic = ses_inbound.received_notification(_reply(sent), recipients=["x@replies.riverbend.example"],
                                                    topic_arn=sns_events.TOPIC_ARN)  # fmt: skip
    assert _post(client, other_topic).status_code == 400  # a valid signature from a topic that is not ours
    assert not InboundMessage.objects.exists()
    assert not Account.objects.get(pk=sent.account_id).escalation_paused


def test_a_reply_without_the_token_is_matched_by_its_thread(client, sent):
    raw = ses_inbound.reply_mime(
        sender="controller@northwind.example",
        to="dana@example.com",
        subject="Re: past due",
        text="Is there a copy?",
        in_reply_to=f"<{sent.ses_message_id}@email.amazonses.com>",
    )
    _post(client, ses_inbound.received_notification(raw, recipients=["dana@example.com"]))
    reply = InboundMessage.objects.get()
    assert (reply.draft, reply.matched_by) == (sent, M.THREAD)


def test_a_reply_by_a_known_sender_is_matched_only_when_spf_or_dkim_passed(client, sent):
    raw = ses_inbound.reply_mime(sender="ap@northwind.example", to="ar@replies.riverbend.example",
                                 subject="Payment", text="Paid yesterday.")  # fmt: skip
    _post(client, ses_inbound.received_notification(raw, recipients=["ar@replies.riverbend.example"]))
    forged = ses_inbound.received_notification(raw, recipients=["ar@replies.riverbend.example"], verdicts="FAIL")
    _post(client, forged)
    matched, spoofed = InboundMessage.objects.order_by("pk")
    assert matched.matched_by == M.SENDER and matched.account == sent.account
    assert spoofed.matched_by == M.NONE and spoofed.account is None and spoofed.organization is None


def test_an_unmatched_reply_is_kept_in_the_unmatched_list(client, sent):
    raw = ses_inbound.reply_mime(sender="someone@elsewhere.example", to="reply+999-0123456789abcdef01234567@"
                                 "replies.riverbend.example", subject="Hello", text="Who are you?")  # fmt: skip
    assert (
        _post(client, ses_inbound.received_notification(raw, recipients=["x@replies.riverbend.example"])).status_code
        == 200
    )
    reply = InboundMessage.objects.get()
    assert reply.matched_by == M.NONE and reply.account is None and reply.reply_text == "Who are you?"


def test_a_message_stored_in_s3_is_fetched_from_there(client, sent, settings):
    settings.AWS_SES_REGION_NAME = "us-east-1"
    settings.AWS_S3_ENDPOINT_URL = None
    raw = _reply(sent, text="We paid INV-1 last week.")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="riverbend-inbound")
        s3.put_object(Bucket="riverbend-inbound", Key="inbound/abc123", Body=raw)
        body = ses_inbound.received_notification(raw, recipients=[draft_reply_address(draft_id=sent.pk)],
                                                 s3=("riverbend-inbound", "inbound/abc123"))  # fmt: skip
        assert "content" not in body
        assert _post(client, body).status_code == 200
    reply = InboundMessage.objects.get()
    assert reply.raw.read() == raw and reply.draft == sent


def test_a_message_missing_from_s3_answers_500_so_sns_delivers_it_again(client, sent, settings):
    settings.AWS_SES_REGION_NAME = "us-east-1"
    client.raise_request_exception = False
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="riverbend-inbound")
        body = ses_inbound.received_notification(_reply(sent), recipients=["x@replies.riverbend.example"],
                                                 s3=("riverbend-inbound", "inbound/missing"))  # fmt: skip
        assert _post(client, body).status_code == 500
    assert not InboundMessage.objects.exists()
