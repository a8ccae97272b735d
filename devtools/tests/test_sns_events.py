"""Signed SNS notifications through django-ses's real event webhook, signature checks on (no network).

The database is needed because the project's receivers of django-ses's signals (``escalation.delivery.events``) look
the message id up among the drafts; the webhook view itself doesn't touch it.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import path
from django_ses import signals
from django_ses.utils import EventMessageVerifier
from django_ses.views import SESEventWebhookView

from devtools import sns_events

# Mounted as in finemanwest/urls.py: the site's login-required middleware would otherwise redirect SNS to /login/.
urlpatterns = [
    path("ses/events/", login_not_required(SESEventWebhookView.as_view()), name="ses-events"),
    path("ses/events-behind-login/", SESEventWebhookView.as_view()),
    path("login/", LoginView.as_view(), name="login"),
]
URL = "/ses/events/"
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

MESSAGE_ID = "0100018f3c2d9a5e-5b1f7a52-0c8e-4f7e-9a43-1c2b3d4e5f60-000000"
RECIPIENT = "ap@riverbend.example"
SIGNALS = {
    "send_received": signals.send_received,
    "delivery_received": signals.delivery_received,
    "bounce_received": signals.bounce_received,
    "complaint_received": signals.complaint_received,
    "open_received": signals.open_received,
    "click_received": signals.click_received,
}


@pytest.fixture
def received():
    """Every django-ses event signal sent during the test, as (signal name, kwargs)."""
    calls: list[tuple[str, dict]] = []
    receivers = {}
    for name, signal in SIGNALS.items():

        def receiver(sender, _name=name, **kwargs):
            calls.append((_name, kwargs))

        receivers[name] = receiver
        signal.connect(receiver, weak=False)
    yield calls
    for name, signal in SIGNALS.items():
        signal.disconnect(receivers[name])


EVENTS = [
    pytest.param(
        lambda: sns_events.send_event(MESSAGE_ID, [RECIPIENT, "cfo@riverbend.example"]),
        "send_received",
        "send",
        {},
        id="send",
    ),
    pytest.param(
        lambda: sns_events.delivery_event(MESSAGE_ID, [RECIPIENT, "cfo@riverbend.example"]),
        "delivery_received",
        "delivery",
        {"recipients": [RECIPIENT, "cfo@riverbend.example"], "smtpResponse": "250 2.6.0 Message received"},
        id="delivery",
    ),
    pytest.param(
        lambda: sns_events.bounce_event(MESSAGE_ID, RECIPIENT),
        "bounce_received",
        "bounce",
        {"bounceType": "Permanent", "bounceSubType": "General"},
        id="bounce-permanent",
    ),
    pytest.param(
        lambda: sns_events.bounce_event(MESSAGE_ID, RECIPIENT, bounce_type="Transient", sub_type="MailboxFull"),
        "bounce_received",
        "bounce",
        {"bounceType": "Transient", "bounceSubType": "MailboxFull"},
        id="bounce-transient",
    ),
    pytest.param(
        lambda: sns_events.complaint_event(MESSAGE_ID, RECIPIENT),
        "complaint_received",
        "complaint",
        {"complainedRecipients": [{"emailAddress": RECIPIENT}], "complaintFeedbackType": "abuse"},
        id="complaint",
    ),
    pytest.param(
        lambda: sns_events.open_event(MESSAGE_ID, RECIPIENT),
        "open_received",
        "open",
        {"ipAddress": "192.0.2.10"},
        id="open",
    ),
    pytest.param(
        lambda: sns_events.click_event(MESSAGE_ID, RECIPIENT, "https://pay.example.com/inv/INV-1001"),
        "click_received",
        "click",
        {"link": "https://pay.example.com/inv/INV-1001"},
        id="click",
    ),
]


@pytest.mark.parametrize(("build", "signal_name", "event_key", "expected_detail"), EVENTS)
def test_each_signed_event_fires_its_signal(client, sns, received, build, signal_name, event_key, expected_detail):
    body = build()

    response = sns_events.post(client, URL, body)

    assert response.status_code == 200
    [(name, kwargs)] = received
    assert name == signal_name
    message = json.loads(json.loads(body)["Message"])
    assert kwargs["mail_obj"]["messageId"] == MESSAGE_ID
    assert kwargs["mail_obj"]["destination"] == message["mail"]["destination"]
    assert RECIPIENT in kwargs["mail_obj"]["destination"]
    assert kwargs[f"{event_key}_obj"] == message[event_key]  # e.g. bounce_obj = the event's "bounce" object
    assert expected_detail.items() <= kwargs[f"{event_key}_obj"].items()
    assert kwargs["raw_message"] == body.encode()
    assert sns.requests == [sns.cert_path]  # the certificate really was downloaded (over HTTPS) and checked


def test_bounce_names_the_bounced_recipient(client, sns, received):
    body = sns_events.bounce_event(
        MESSAGE_ID, "gone@riverbend.example", recipients=[RECIPIENT, "gone@riverbend.example"]
    )
    assert sns_events.post(client, URL, body).status_code == 200
    [(_, kwargs)] = received
    assert kwargs["mail_obj"]["destination"] == [RECIPIENT, "gone@riverbend.example"]
    [bounced] = kwargs["bounce_obj"]["bouncedRecipients"]
    assert (bounced["emailAddress"], bounced["status"]) == ("gone@riverbend.example", "5.1.1")


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: sns_events.reject_event(MESSAGE_ID, RECIPIENT), id="reject"),
        pytest.param(lambda: sns_events.delivery_delay_event(MESSAGE_ID, RECIPIENT), id="delivery-delay"),
    ],
)
def test_events_django_ses_has_no_signal_for_are_accepted_and_ignored(client, sns, received, build):
    response = sns_events.post(client, URL, build())
    assert response.status_code == 200
    assert received == []
    assert sns.requests == [sns.cert_path]  # verified all the same


def test_tampered_message_is_rejected(client, sns, received):
    envelope = json.loads(sns_events.bounce_event(MESSAGE_ID, RECIPIENT))
    envelope["Message"] = envelope["Message"].replace(RECIPIENT, "someone-else@riverbend.example")

    response = sns_events.post(client, URL, json.dumps(envelope))

    assert response.status_code == 400
    assert response.content == b"Signature verification failed."
    assert received == []


def test_signature_from_another_key_is_rejected(client, sns, received):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sns_events.post(client, URL, sns_events.delivery_event(MESSAGE_ID, RECIPIENT, key=stranger))
    assert response.status_code == 400
    assert received == []


def test_signature_version_2_is_rejected_by_django_ses(client, sns, received):
    # A correct SHA256withRSA signature, as SNS sends for a topic set to SignatureVersion 2: django-ses 4.8.2 always
    # verifies with SHA1, so it refuses it.
    body = sns_events.delivery_event(MESSAGE_ID, RECIPIENT, signature_version="2")
    assert json.loads(body)["SignatureVersion"] == "2"
    response = sns_events.post(client, URL, body)
    assert response.status_code == 400
    assert received == []


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://certs.example.net/SimpleNotificationService-0123456789abcdef.pem",
        "http://127.0.0.1:9/SimpleNotificationService-0123456789abcdef.pem",
    ],
)
def test_certificate_from_an_untrusted_place_is_never_fetched(client, sns, received, cert_url):
    response = sns_events.post(client, URL, sns_events.delivery_event(MESSAGE_ID, RECIPIENT, cert_url=cert_url))
    assert response.status_code == 400
    assert received == []
    assert sns.requests == []


def test_notification_from_an_untrusted_topic_is_rejected(client, sns, received):
    other_topic = "arn:aws:sns:us-east-1:999999999999:someone-elses-topic"
    body = sns_events.delivery_event(MESSAGE_ID, RECIPIENT, topic_arn=other_topic)  # validly signed

    response = sns_events.post(client, URL, body)

    assert response.status_code == 400
    assert response.content == b"Untrusted topic."
    assert received == []


def test_the_string_to_sign_is_the_one_django_ses_verifies():
    for body in (
        sns_events.open_event(MESSAGE_ID, RECIPIENT),
        sns_events.subscription_confirmation(),
        sns_events.notification({"eventType": "Send"}, subject="Amazon SES Email Event Notification"),
    ):
        envelope = json.loads(body)
        assert sns_events.string_to_sign(envelope) == EventMessageVerifier(envelope)._get_bytes_to_sign()


def test_subscription_confirmation_is_confirmed_by_fetching_the_subscribe_url(client, sns, received, monkeypatch):
    fetched = []

    class _Answer:
        def read(self):
            return b"<ConfirmSubscriptionResponse/>"

    def fake_urlopen(url, *args, **kwargs):  # django-ses confirms with urllib's urlopen(SubscribeURL).read()
        fetched.append(url)
        return _Answer()

    monkeypatch.setattr("django_ses.utils.urlopen", fake_urlopen)
    body = sns_events.subscription_confirmation()

    response = sns_events.post(client, URL, body)

    assert response.status_code == 200
    assert fetched == [json.loads(body)["SubscribeURL"]]
    assert fetched[0].startswith("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=")
    assert received == []


def test_subscription_confirmation_with_a_non_sns_url_is_not_fetched(client, sns, received, monkeypatch):
    def refuse(url, *args, **kwargs):
        raise AssertionError(f"django-ses fetched {url}")

    monkeypatch.setattr("django_ses.utils.urlopen", refuse)
    body = sns_events.subscription_confirmation(subscribe_url=sns.url("/confirm-subscription"))

    response = sns_events.post(client, URL, body)

    assert response.status_code == 200  # accepted, logged as "Untrusted SubscribeURL", not confirmed
    assert sns.requests == [sns.cert_path]


def test_tampered_subscription_confirmation_is_rejected(client, sns, monkeypatch):
    monkeypatch.setattr("django_ses.utils.urlopen", lambda *a, **k: pytest.fail("fetched"))
    envelope = json.loads(sns_events.subscription_confirmation())
    envelope["SubscribeURL"] += "&evil=1"
    assert sns_events.post(client, URL, json.dumps(envelope)).status_code == 400


def test_webhook_behind_the_login_middleware_redirects_sns(client, sns, received):
    response = sns_events.post(client, "/ses/events-behind-login/", sns_events.send_event(MESSAGE_ID, RECIPIENT))
    assert response.status_code == 302
    assert received == []


def test_sent_message_then_its_delivery_event(client, fake_ses, sns, received):
    message = EmailMultiAlternatives(
        "Invoice INV-1001", "Please pay.", "collections@example.com", [RECIPIENT], cc=["cfo@riverbend.example"]
    )
    get_connection().send_messages([message])
    sent = fake_ses.sent_messages()[-1]

    body = sns_events.delivery_event(sent.message_id, sent.destinations, subject=sent.subject)
    assert sns_events.post(client, URL, body).status_code == 200

    [(name, kwargs)] = received
    assert name == "delivery_received"
    assert kwargs["mail_obj"]["messageId"] == message.extra_headers["message_id"] == sent.message_id
    assert kwargs["delivery_obj"]["recipients"] == [RECIPIENT, "cfo@riverbend.example"]
    assert kwargs["mail_obj"]["tags"]["ses:configuration-set"] == [sent.configuration_set]
