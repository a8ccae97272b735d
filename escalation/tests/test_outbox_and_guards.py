"""Nothing is lost and nothing happens twice: the reconciler publishes drafts that have no task, SES
events settle drafts whose id never reached the database, a redelivered SNS notification is stored
once, a connect timeout or a failed TLS handshake leaves the draft queued, and a redelivered
generation task does not write or send the draft again."""

import datetime
import json
import socket
import ssl
import subprocess
import threading

import pytest
from django.utils import timezone
from django_ses import signals

from escalation.delivery.outbox import drafts_reconcile
from escalation.delivery.services import SENT_ID_KEY, draft_send, drafts_reconcile_sending
from escalation.generation import Outcome, draft_store
from escalation.models import DeliveryEvent, EmailDraft
from escalation.services import draft_generate, escalation_run_start
from escalation.tests.ledger import TODAY, active_templates, owing_account
from escalation.tests.test_sending_through_ses import _queued_draft

pytestmark = pytest.mark.django_db
S = EmailDraft.Status


def _age(draft, seconds=600):
    EmailDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_the_reconciler_sends_a_queued_draft_whose_task_was_never_published(organization):
    draft = _queued_draft(organization)  # queued, task_published_at empty: the publish failed
    assert drafts_reconcile() == {}  # within the grace period: its task may still be on its way
    _age(draft)
    assert drafts_reconcile() == {"queued": 1}
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.task_published_at is not None
    assert drafts_reconcile() == {}  # nothing moving any more


def test_the_reconciler_leaves_a_draft_whose_task_was_just_published(organization):
    draft = _queued_draft(organization)
    _age(draft)
    EmailDraft.objects.filter(pk=draft.pk).update(task_published_at=timezone.now())
    assert drafts_reconcile() == {}
    assert EmailDraft.objects.get(pk=draft.pk).status == S.QUEUED


def test_the_reconciler_writes_a_generating_draft(organization, settings):
    active_templates(organization)
    owing_account(organization, days_overdue=45)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    run = escalation_run_start(organization=organization, on_date=TODAY)
    draft = run.drafts.get()
    EmailDraft.objects.filter(pk=draft.pk).update(status=S.GENERATING, task_published_at=None, subject="")
    _age(draft)
    assert drafts_reconcile() == {"generating": 1}
    assert EmailDraft.objects.get(pk=draft.pk).status == S.NEEDS_REVIEW


def _sending(draft):
    EmailDraft.objects.filter(pk=draft.pk).update(
        status=S.SENDING, sending_started_at=timezone.now() - datetime.timedelta(hours=1)
    )


def test_a_stuck_send_is_settled_from_the_ses_send_event_that_names_the_draft(organization):
    draft = _queued_draft(organization)
    _sending(draft)  # SES accepted it, the worker died before writing the id
    mail = {"messageId": "0100-ses-7", "destination": [draft.recipient_email], "timestamp": "2025-03-03T10:00:00Z",
            "headers": [{"name": "X-Fineman-Draft", "value": str(draft.pk)}]}  # fmt: skip
    signals.send_received.send(sender=None, mail_obj=mail, send_obj={}, raw_message=b'{"MessageId": "sns-1"}')
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.ses_message_id == "0100-ses-7"
    assert drafts_reconcile_sending() == 0


def test_a_stuck_send_is_settled_from_the_id_kept_aside(organization):
    from django.core.cache import cache

    draft = _queued_draft(organization)
    _sending(draft)
    cache.set(SENT_ID_KEY.format(draft.pk), "0100-ses-8")
    assert drafts_reconcile_sending() == 0
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.ses_message_id == "0100-ses-8"


def test_a_stuck_send_without_any_word_from_ses_goes_to_a_person(organization):
    draft = _queued_draft(organization)
    _sending(draft)
    assert drafts_reconcile_sending() == 1
    assert EmailDraft.objects.get(pk=draft.pk).status == S.UNKNOWN


def test_an_sns_notification_delivered_twice_is_stored_once(organization):
    draft = _queued_draft(organization)
    EmailDraft.objects.filter(pk=draft.pk).update(status=S.SENT, ses_message_id="0100-ses-9")
    mail = {"messageId": "0100-ses-9", "destination": [draft.recipient_email], "timestamp": "2025-03-03T10:00:00Z"}
    raw = json.dumps({"Type": "Notification", "MessageId": "sns-42"}).encode()
    for _ in range(2):
        signals.delivery_received.send(sender=None, mail_obj=mail, raw_message=raw,
                                       delivery_obj={"recipients": [draft.recipient_email]})  # fmt: skip
    assert DeliveryEvent.objects.filter(draft=draft).count() == 1


# --- SES that cannot be reached: nothing left, so the draft stays queued (not "unknown") ----------------


@pytest.fixture
def blackhole():
    """A port whose accept queue is full: a TCP connect to it times out (SYNs are dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = []
    for _ in range(3):  # fill the queue (backlog 0 holds one; a second may be pending in SYN)
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(server.getsockname())
        fillers.append(filler)
    yield f"https://127.0.0.1:{server.getsockname()[1]}"
    for sock in [*fillers, server]:
        sock.close()


@pytest.fixture
def untrusted_tls(tmp_path):
    """An HTTPS server with a self-signed certificate the client does not trust: the handshake fails."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,  # noqa: S603,S607
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize("endpoint", ["blackhole", "untrusted_tls"])
def test_ses_unreachable_before_the_request_leaves_the_draft_queued(organization, fake_ses, settings, request,
                                                                    endpoint):  # fmt: skip
    fake_ses.apply(settings, max_attempts=1, connect_timeout=0.5, read_timeout=2)
    settings.AWS_SES_REGION_ENDPOINT_URL = request.getfixturevalue(endpoint)
    draft = _queued_draft(organization)
    from escalation.delivery.ses import SendTransient

    with pytest.raises(SendTransient, match="could not be reached"):
        draft_send(draft_id=draft.pk, final_attempt=False)
    draft.refresh_from_db()
    assert draft.status == S.QUEUED  # nothing left: retried later, no person needed
    settings.AWS_SES_REGION_ENDPOINT_URL = fake_ses.endpoint_url  # SES is back
    assert draft_send(draft_id=draft.pk).status == S.SENT
    assert len(fake_ses.sent_messages()) == 1


# --- redelivery guards of generation ----------------------------------------------------------------------


def _generating(organization, *, requires_approval=True):
    active_templates(organization)
    owing_account(organization, days_overdue=45)
    run = escalation_run_start(organization=organization, on_date=TODAY)
    draft = run.drafts.get()
    EmailDraft.objects.filter(pk=draft.pk).update(status=S.GENERATING, requires_approval=requires_approval)
    return draft


def test_a_redelivered_generation_task_leaves_a_reviewed_draft_alone(organization, collector):
    from escalation.delivery.services import draft_edit

    draft = draft_generate(draft_id=_generating(organization).pk)
    draft = draft_edit(draft=draft, actor=collector, subject="Edited by Dana", body_text=draft.body_text)
    draft_generate(draft_id=draft.pk)  # the broker delivers the generation task again
    draft.refresh_from_db()
    assert draft.subject == "Edited by Dana" and draft.status == S.NEEDS_REVIEW


def test_two_copies_of_a_generation_task_racing_store_one_result(organization):
    """The second copy wrote its email while the first stored: storing must not happen twice."""
    from escalation.writing.checks import LedgerCheck
    from escalation.writing.facts import draft_facts
    from escalation.writing.render import EmailParts, RenderedEmail

    draft = _generating(organization)
    first = draft_generate(draft_id=draft.pk)
    assert first.status == S.NEEDS_REVIEW
    parts = EmailParts(subject="A second text", greeting="Hello,", paragraphs=("x",), closing="Regards,")
    late = Outcome(email=RenderedEmail(subject="A second text", text="x", html="", parts=parts),
                   writer=EmailDraft.Writer.OFFLINE, check=LedgerCheck(passed=True, failures=(), found={}))  # fmt: skip
    draft_store(draft_id=draft.pk, facts=draft_facts(first), outcome=late)
    draft.refresh_from_db()
    assert draft.subject == first.subject


def test_a_redelivered_generation_task_does_not_send_an_auto_approved_draft_twice(
    organization, mailoutbox, django_capture_on_commit_callbacks
):
    draft = _generating(organization, requires_approval=False)
    for _ in range(2):  # the second time: the broker delivered the generation task again
        with django_capture_on_commit_callbacks(execute=True):
            draft_generate(draft_id=draft.pk)
    assert EmailDraft.objects.get(pk=draft.pk).status == S.SENT
    assert len(mailoutbox) == 1
