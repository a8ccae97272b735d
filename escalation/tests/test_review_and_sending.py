"""Review, approval and sending: the right email, once, to the right person, and never about a paid invoice."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AuditEvent
from escalation.delivery.services import (
    draft_approve,
    draft_edit,
    draft_reject,
    draft_resolve_unknown,
    draft_send,
    drafts_reconcile_sending,
)
from escalation.delivery.state import IllegalTransition, draft_transition
from escalation.models import EmailDraft, EscalationRun
from escalation.policies import collection_settings_get
from escalation.services import escalation_daily_runs, escalation_run_start
from escalation.tests.ledger import AS_OF, TODAY, active_templates, allow_skipping, owing_account
from invoices.models import Invoice
from invoices.tests.factories import InvoiceAgingSnapshotFactory

pytestmark = pytest.mark.django_db
S = EmailDraft.Status


@pytest.fixture
def draft(organization, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("escalation.services.timezone.localdate", lambda: TODAY)
    active_templates(organization)
    settings = collection_settings_get(organization=organization)
    settings.sender_name, settings.sender_email, settings.reply_to = (
        "Dana at Riverbend",
        "ar@riverbend.example",
        "dana@riverbend.example",
    )
    settings.save()
    owing_account(organization, days_overdue=45, name="Northwind Traders", amount="4820.00")
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, on_date=TODAY)
    return EmailDraft.objects.get()


def test_approving_sends_the_email_once(draft, collector, django_capture_on_commit_callbacks):
    assert draft.status == S.NEEDS_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        draft_approve(draft=draft, actor=collector)
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.ses_message_id and draft.approved_by == collector
    (message,) = mail.outbox
    assert message.to == ["ap@customer.example"] and message.reply_to == ["dana@riverbend.example"]
    assert message.from_email == "Dana at Riverbend <ar@riverbend.example>"
    assert message.subject == draft.subject and message.body == draft.body_text
    html = message.alternatives[0][0]
    assert "4,820.00" in html and "<script" not in html
    # A duplicated or redelivered send task does nothing.
    draft_send(draft_id=draft.pk)
    draft_send(draft_id=draft.pk)
    assert len(mail.outbox) == 1
    actions = list(AuditEvent.objects.filter(action__startswith="draft.").values_list("action", flat=True))
    assert {"draft.approved", "draft.queued", "draft.sending", "draft.sent"} <= set(actions)


def test_illegal_transitions_raise(draft):
    with pytest.raises(IllegalTransition):
        draft_transition(draft, S.SENT)
    with pytest.raises(IllegalTransition):
        draft_transition(draft, S.SENDING)
    draft.refresh_from_db()
    assert draft.status == S.NEEDS_REVIEW


def test_a_rejected_draft_is_never_sent(draft, collector):
    draft_reject(draft=draft, actor=collector, reason="Customer called, paying tomorrow")
    draft.refresh_from_db()
    assert draft.status == S.CANCELLED and "paying tomorrow" in draft.status_reason
    with pytest.raises(Exception, match="Only a draft that needs review"):
        draft_approve(draft=draft, actor=collector)
    with pytest.raises(Exception, match="not sent yet can be rejected"):
        draft_reject(draft=draft, actor=collector)
    assert not mail.outbox


def test_an_edit_is_kept_as_a_revision_and_checked(draft, collector):
    wrong = draft.body_text.replace("4,820.00", "4,280.00")
    draft_edit(draft=draft, actor=collector, subject=draft.subject, body_text=wrong)
    draft.refresh_from_db()
    assert not draft.check_passed and "4,280.00" in " ".join(draft.check_results["failures"])
    assert [r.edited_by for r in draft.revisions.all()] == [None, collector]
    with pytest.raises(Exception, match="do not match the ledger"):
        draft_approve(draft=draft, actor=collector)
    draft_edit(draft=draft, actor=collector, subject=draft.subject, body_text=wrong.replace("4,280.00", "4,820.00"))
    draft.refresh_from_db()
    assert draft.check_passed and draft.revisions.count() == 3


def _approve_then(draft, collector, change, django_capture_on_commit_callbacks):
    """Approve, let ``change`` happen before the send task runs, then run it."""
    from unittest import mock

    with mock.patch("escalation.tasks.draft_send_task.delay"):
        draft_approve(draft=draft, actor=collector)
    change()
    draft_send(draft_id=draft.pk)
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize(
    "change, status, reason",
    [
        (lambda d: Invoice.objects.filter(account=d.account).update(closed_at=timezone.now()), S.CANCELLED, "was paid"),
        (lambda d: Invoice.objects.filter(account=d.account).update(is_disputed=True), S.CANCELLED, "disputed"),
        (lambda d: Account.objects.filter(pk=d.account_id).update(escalation_paused=True), S.CANCELLED, "paused"),
        (lambda d: d.account.contacts.update(suppressed_at=timezone.now(), suppression_reason="Hard bounce"),
         S.SUPPRESSED, "Hard bounce"),
        (lambda d: InvoiceAgingSnapshotFactory(invoice=d.account.invoices.first(),
                                               snapshot_date=AS_OF + datetime.timedelta(days=31)),
         S.CANCELLED, "newer aging report"),
    ],
    ids=["paid", "disputed", "paused", "suppressed", "newer-snapshot"],
)  # fmt: skip
def test_nothing_goes_out_when_the_ledger_changed_after_approval(draft, collector, change, status, reason,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    draft = _approve_then(draft, collector, lambda: change(draft), django_capture_on_commit_callbacks)
    assert draft.status == status and reason in draft.status_reason
    assert not mail.outbox


def test_a_crash_between_ses_and_the_commit_ends_in_unknown_not_a_resend(draft, collector, monkeypatch):
    from unittest import mock

    with mock.patch("escalation.tasks.draft_send_task.delay"):
        draft_approve(draft=draft, actor=collector)

    def crash_after_sending(*args, **kwargs):
        mail.outbox.append("sent before the crash")
        raise SystemExit("worker killed")

    monkeypatch.setattr("escalation.delivery.services.ses_send", crash_after_sending)
    with pytest.raises(SystemExit):
        draft_send(draft_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == S.SENDING
    draft_send(draft_id=draft.pk)  # the redelivered task
    assert len(mail.outbox) == 1
    assert drafts_reconcile_sending() == 0  # not stale yet
    later = timezone.now() + datetime.timedelta(minutes=30)
    assert drafts_reconcile_sending(now=later) == 1
    draft.refresh_from_db()
    assert draft.status == S.UNKNOWN and "check SES" in draft.status_reason
    draft_resolve_unknown(draft=draft, actor=collector, was_sent=True, message_id="0100-abc")
    draft.refresh_from_db()
    assert (draft.status, draft.ses_message_id) == (S.SENT, "0100-abc")


def test_degrees_without_approval_are_sent_by_the_run(organization, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("escalation.services.timezone.localdate", lambda: TODAY)
    active_templates(organization)
    allow_skipping(organization)
    settings = collection_settings_get(organization=organization)
    settings.approval_required_degrees = [4, 5]
    settings.save()
    from escalation.policies import escalation_policy_default

    escalation_policy_default(organization=organization).levels.update(requires_approval=False)
    owing_account(organization, days_overdue=10, name="Friendly", email="a@friendly.example")
    owing_account(organization, days_overdue=100, name="Final", email="a@final.example")
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, on_date=TODAY)
    statuses = dict(EmailDraft.objects.values_list("account__account_name", "status"))
    assert statuses == {"Friendly": S.SENT, "Final": S.NEEDS_REVIEW}
    assert [m.to for m in mail.outbox] == [["a@friendly.example"]]


def test_the_daily_schedule_runs_once_even_if_fired_twice(organization, settings):
    active_templates(organization)
    owing_account(organization, days_overdue=45, name="Northwind")
    collection = collection_settings_get(organization=organization)
    collection.daily_run_hour, collection.business_days = 9, [0, 1, 2, 3, 4, 5, 6]
    collection.save()
    nine = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 5))
    first = escalation_daily_runs(now=nine)
    second = escalation_daily_runs(now=nine + datetime.timedelta(minutes=30))
    assert len(first) == 1 and second == []
    assert EscalationRun.objects.filter(scheduled=True).count() == 1
    assert escalation_daily_runs(now=nine + datetime.timedelta(hours=2)) == []  # not its hour


def test_collector_reviews_edits_and_approves_in_the_pages(client_for, collector, draft,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    client = client_for(collector)
    queue = client.get(reverse("review-queue")).content.decode()
    assert "Northwind Traders" in queue
    page = client.get(reverse("draft-detail", args=[draft.pk])).content.decode()
    assert "Approve and send" in page and "Edit the text" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drafts-approve"), {"draft": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == S.SENT and len(mail.outbox) == 1


def test_viewer_cannot_approve(client_for, viewer, draft):
    assert client_for(viewer).post(reverse("draft-approve", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == S.NEEDS_REVIEW


def test_the_navigation_counts_drafts_waiting_for_review(client_for, collector, draft):
    page = client_for(collector).get(reverse("home")).content.decode()
    assert 'aria-label="1 to review"' in page
