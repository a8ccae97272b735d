"""The SES fake, exercised through the real django-ses backend and boto3 (no network, no database)."""

from __future__ import annotations

import socket
import time

import django_ses
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

from devtools.fake_ses import FakeSES, SESFault

SES_BACKEND = "django_ses.SESBackend"
SUBJECT = "Überfällig: Rechnung INV-1001 – 1.734,50 €"
TEXT = "Dear Accounts Payable,\n\nInvoice INV-1001 (USD 1,734.50) is 45 days overdue.\n\nThank you."
HTML = "<p>Dear Accounts Payable,</p><p>Invoice <b>INV-1001</b> (USD 1,734.50) is 45 days overdue.</p>"


def collection_email(**overrides) -> EmailMultiAlternatives:
    fields = {
        "subject": SUBJECT,
        "body": TEXT,
        "from_email": "Fineman West Collections <collections@example.com>",
        "to": ["Accounts Payable <ap@riverbend.example>"],
        "cc": ["cfo@riverbend.example"],
        "bcc": ["audit@example.com"],
        "reply_to": ["Ana Ortiz <ana.ortiz@example.com>"],
        "headers": {"X-Fineman-Draft": "42"},
        **overrides,
    }
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative(HTML, "text/html")
    return message


def send(message: EmailMessage, **options) -> int:
    return get_connection(SES_BACKEND, **options).send_messages([message])


def test_email_multi_alternatives_reaches_the_fake_through_django_ses(fake_ses):
    message = collection_email()
    message.attach("statement.pdf", b"%PDF-1.4 fake statement", "application/pdf")

    assert send(message) == 1

    [sent] = fake_ses.sent_messages()
    assert sent.subject == SUBJECT
    assert sent.source == "Fineman West Collections <collections@example.com>"
    assert sent.from_header == "Fineman West Collections <collections@example.com>"
    assert sent.to == ["ap@riverbend.example"]
    assert sent.cc == ["cfo@riverbend.example"]
    assert sent.bcc == ["audit@example.com"]
    assert sent.destinations == [
        "Accounts Payable <ap@riverbend.example>",
        "cfo@riverbend.example",
        "audit@example.com",
    ]
    assert sent.text == TEXT
    assert sent.html == HTML
    assert sent.reply_to == ["ana.ortiz@example.com"]
    assert sent.header("Reply-To") == "Ana Ortiz <ana.ortiz@example.com>"
    assert sent.header("X-Fineman-Draft") == "42"
    assert sent.header("Bcc") is None  # Bcc travels in the envelope only
    assert sent.configuration_set == "collections"
    assert sent.attachments == [("statement.pdf", "application/pdf", b"%PDF-1.4 fake statement")]
    assert "Content-Type: multipart/mixed" in sent.raw
    # What django-ses gives back: SES's message id (and request id) in the message's extra_headers.
    assert message.extra_headers["message_id"] == sent.message_id == fake_ses.sent_messages()[-1].message_id
    assert message.extra_headers["status"] == 200
    assert message.extra_headers["request_id"]
    assert message.extra_headers["X-SES-CONFIGURATION-SET"] == "collections"
    [attempt] = fake_ses.send_attempts
    assert (attempt.status, attempt.fault, attempt.message_id) == (200, None, sent.message_id)
    assert attempt.body["FromEmailAddress"] == "Fineman West Collections <collections@example.com>"


def test_django_send_mail_uses_the_configured_backend(fake_ses, settings):
    assert settings.EMAIL_BACKEND == SES_BACKEND
    mail.send_mail("Reminder", "Please pay.", "billing@example.com", ["ap@riverbend.example"])
    mail.send_mail("Second reminder", "Please pay now.", "billing@example.com", ["ap@riverbend.example"])

    assert [m.subject for m in fake_ses.sent_messages()] == ["Reminder", "Second reminder"]  # newest last
    assert fake_ses.sent_messages()[-1].text.rstrip("\n") == "Please pay now."
    assert fake_ses.sent_messages()[-1].html is None

    fake_ses.reset()
    assert fake_ses.sent_messages() == []
    assert fake_ses.requests == []


def test_unverified_sender_is_refused_by_moto_until_verified(fake_ses):
    message = EmailMessage("Hi", "Body", "billing@finemanwest.test", ["ap@riverbend.example"])
    with pytest.raises(ClientError) as caught:
        send(message)
    assert type(caught.value).__name__ == "MessageRejected"
    assert "Did not have authority to send from email billing@finemanwest.test" in str(caught.value)

    fake_ses.verify("finemanwest.test")
    assert send(EmailMessage("Hi", "Body", "billing@finemanwest.test", ["ap@riverbend.example"])) == 1


SINGLE_ATTEMPT_ERRORS = [
    pytest.param(SESFault.throttling(), "TooManyRequestsException", "TooManyRequestsException", 429, id="throttling"),
    pytest.param(
        SESFault.throttling(code="Throttling", status=400), "ClientError", "Throttling", 400, id="throttling-v1-code"
    ),
    pytest.param(SESFault.server_error(), "ClientError", "InternalFailure", 500, id="server-error"),
    pytest.param(
        SESFault.message_rejected("Email address is not verified."),
        "MessageRejected",
        "MessageRejected",
        400,
        id="message-rejected",
    ),
    pytest.param(
        SESFault.account_suspended(), "AccountSuspendedException", "AccountSuspendedException", 400, id="suspended"
    ),
    pytest.param(SESFault.sending_paused(), "SendingPausedException", "SendingPausedException", 400, id="paused"),
]


@pytest.mark.parametrize(("fault", "exception_name", "code", "status"), SINGLE_ATTEMPT_ERRORS)
def test_error_faults_raise_client_errors(fake_ses, settings, fault, exception_name, code, status):
    fake_ses.apply(settings, max_attempts=1)
    fake_ses.enqueue(fault)
    message = collection_email()

    with pytest.raises(ClientError) as caught:
        send(message)

    assert type(caught.value).__name__ == exception_name
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == fault.message
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert fake_ses.sent_messages() == []
    assert [a.status for a in fake_ses.send_attempts] == [status]
    assert "message_id" not in message.extra_headers
    assert fake_ses.pending_faults == []


def test_fail_silently_does_not_swallow_ses_errors(fake_ses):
    # django-ses only catches botocore.vendored...urllib3 ResponseError, which botocore never raises.
    fake_ses.enqueue(SESFault.message_rejected(), SESFault.message_rejected())
    with pytest.raises(ClientError, match="MessageRejected"):
        send(collection_email(), fail_silently=True)
    with pytest.raises(ClientError, match="MessageRejected"):
        mail.send_mail("Hi", "Body", "billing@example.com", ["ap@riverbend.example"], fail_silently=True)


def test_default_retries_absorb_one_throttle(fake_ses):
    # No AWS_SES_CONFIG: botocore's standard mode retries TooManyRequestsException after rand(0, 1) s.
    fake_ses.enqueue(SESFault.throttling())
    message = collection_email()

    assert send(message) == 1

    assert [a.status for a in fake_ses.send_attempts] == [429, 200]
    [sent] = fake_ses.sent_messages()
    assert message.extra_headers["message_id"] == sent.message_id


def test_default_retries_give_up_after_three_server_errors(fake_ses):
    fake_ses.enqueue(*[SESFault.server_error()] * 3)
    with pytest.raises(ClientError) as caught:
        send(collection_email())
    assert caught.value.response["Error"]["Code"] == "InternalFailure"
    assert "reached max retries: 2" in str(caught.value)
    assert [a.status for a in fake_ses.send_attempts] == [500, 500, 500]
    assert fake_ses.sent_messages() == []


def test_default_retries_resend_after_a_dropped_connection(fake_ses):
    fake_ses.enqueue(SESFault.drop_connection())
    message = collection_email()
    assert send(message) == 1
    assert [a.status for a in fake_ses.send_attempts] == [None, 200]
    [sent] = fake_ses.sent_messages()
    assert message.extra_headers["message_id"] == sent.message_id


def test_drop_connection_raises_connection_closed_and_sends_nothing(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1)
    fake_ses.enqueue(SESFault.drop_connection())
    with pytest.raises(ConnectionClosedError):
        send(collection_email(), fail_silently=True)
    assert fake_ses.sent_messages() == []
    assert [a.status for a in fake_ses.send_attempts] == [None]


def test_after_send_drop_connection_records_the_message_but_raises(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1)
    fake_ses.enqueue(SESFault.after_send_drop_connection())
    message = collection_email()

    with pytest.raises(ConnectionClosedError):
        send(message)

    [sent] = fake_ses.sent_messages()  # SES accepted it ...
    assert sent.subject == SUBJECT
    assert "message_id" not in message.extra_headers  # ... but the caller never learned its id
    [attempt] = fake_ses.send_attempts
    assert attempt.status is None
    assert attempt.message_id == sent.message_id


def test_after_send_drop_connection_with_default_retries_sends_twice(fake_ses):
    # botocore retries the dropped POST: SES gets the message twice, django-ses reports the second one.
    fake_ses.enqueue(SESFault.after_send_drop_connection())
    message = collection_email()

    assert send(message) == 1

    first, second = fake_ses.sent_messages()
    assert first.subject == second.subject == SUBJECT
    assert first.destinations == second.destinations
    assert message.extra_headers["message_id"] == second.message_id != first.message_id
    assert [a.status for a in fake_ses.send_attempts] == [None, 200]


def test_delay_slows_the_send_down(fake_ses):
    fake_ses.enqueue(SESFault.delay(0.3))
    started = time.monotonic()
    assert send(collection_email()) == 1
    assert time.monotonic() - started >= 0.3
    assert len(fake_ses.sent_messages()) == 1


def test_delay_beyond_the_read_timeout_raises_but_the_message_still_goes_out(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=0.2)
    fake_ses.enqueue(SESFault.delay(0.5))
    message = collection_email()

    with pytest.raises(ReadTimeoutError):
        send(message)

    assert fake_ses.sent_messages() == []  # not yet ...
    [sent] = fake_ses.wait_for_messages(1, timeout=3)  # ... but SES takes it once the delay is over
    assert sent.subject == SUBJECT
    assert "message_id" not in message.extra_headers


def test_read_timeout_with_default_retries_sends_twice(fake_ses, settings):
    # botocore retries a ReadTimeoutError too: the slow first request still reaches SES, and so does the retry.
    fake_ses.apply(settings, read_timeout=0.2)
    fake_ses.enqueue(SESFault.delay(0.5))
    message = collection_email()

    assert send(message) == 1

    first, second = fake_ses.wait_for_messages(2, timeout=3)
    assert first.subject == second.subject == SUBJECT
    assert message.extra_headers["message_id"] in {first.message_id, second.message_id}


def test_get_account_is_answered_for_django_ses_auto_throttle(fake_ses, settings, monkeypatch):
    # The project sets AWS_SES_AUTO_THROTTLE = None; with django-ses's default (0.5) it asks GetAccount first.
    monkeypatch.setattr(django_ses, "cached_rate_limits", {})
    monkeypatch.setattr(django_ses, "recent_send_times", [])
    settings.AWS_SES_AUTO_THROTTLE = 0.5
    fake_ses.enqueue(SESFault.message_rejected())  # SendEmail faults leave GetAccount alone

    with pytest.raises(ClientError, match="MessageRejected"):
        send(collection_email())

    assert [(r.operation, r.status) for r in fake_ses.requests] == [("GetAccount", 200), ("SendEmail", 400)]
    assert django_ses.cached_rate_limits == {"testing": 14.0}


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_starts_and_stops_cleanly_again_and_again(settings):
    for round_number in range(3):
        with FakeSES() as fake:
            assert fake.sent_messages() == []  # moto's process-wide state is reset at start
            fake.apply(settings)
            send(EmailMessage(f"Round {round_number}", "Body", "a@example.com", ["b@example.org"]))
            assert [m.subject for m in fake.sent_messages()] == [f"Round {round_number}"]
            proxy_port, (_, moto_port) = fake.port, fake._moto_address()
        assert not fake.running
        assert _refuses_connections(proxy_port)
        assert _refuses_connections(moto_port)
