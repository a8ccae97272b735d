"""Scheduled runs write their drafts through one Message Batch (half the price); what the batch could not do is
written by single calls, and runs a person starts stay immediate."""

import pytest

from escalation.batches import writer_batch_submit, writer_batches_poll
from escalation.models import EmailDraft, WriterBatch
from escalation.services import escalation_run_start
from escalation.tests.ledger import TODAY, active_templates, owing_account
from escalation.writing.model_profiles import model_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_accounts(organization):
    active_templates(organization)
    return [owing_account(organization, days_overdue=40 + n, name=f"Customer {'ABC'[n]}", email=f"ap{n}@x.example")
            for n in range(3)]  # fmt: skip


def _scheduled_run(organization, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return escalation_run_start(organization=organization, on_date=TODAY, scheduled=True)


def test_a_scheduled_run_is_written_by_one_batch_at_half_the_price(
    organization, three_accounts, claude, django_capture_on_commit_callbacks
):
    run = _scheduled_run(organization, django_capture_on_commit_callbacks)
    batch = WriterBatch.objects.get(run=run)
    assert batch.status == WriterBatch.Status.SUBMITTED and batch.counts == {"requests": 3}
    assert not claude.message_requests  # nothing written one by one
    assert set(EmailDraft.objects.values_list("status", flat=True)) == {EmailDraft.Status.GENERATING}

    assert writer_batches_poll() == 0  # still processing
    claude.batches_complete()
    assert writer_batches_poll() == 1
    drafts = list(EmailDraft.objects.order_by("pk"))
    assert all(d.writer == EmailDraft.Writer.CLAUDE and d.check_passed for d in drafts), [
        d.generation_errors for d in drafts
    ]
    assert all(d.status == EmailDraft.Status.NEEDS_REVIEW for d in drafts)
    for draft in drafts:  # billed at the batch rate: half of what the same tokens cost in single calls
        tokens = {
            "input_tokens": draft.input_tokens,
            "output_tokens": draft.output_tokens,
            "cache_creation_tokens": draft.cache_creation_tokens,
            "cache_read_tokens": draft.cache_read_tokens,
        }
        single = model_profile(draft.model).cost_usd(**tokens)
        assert draft.cost_usd == model_profile(draft.model).cost_usd(**tokens, batch=True) < single
    assert not claude.message_requests
    assert WriterBatch.objects.get(pk=batch.pk).status == WriterBatch.Status.ENDED


def test_expired_and_errored_requests_fall_back_to_single_calls(
    organization, three_accounts, claude, django_capture_on_commit_callbacks
):
    run = _scheduled_run(organization, django_capture_on_commit_callbacks)
    first, second, _third = EmailDraft.objects.filter(run=run).order_by("pk")
    claude.fail_batch_request(f"draft-{first.pk}", "expired")
    claude.fail_batch_request(f"draft-{second.pk}", "errored")
    claude.batches_complete()
    writer_batches_poll()
    for draft in EmailDraft.objects.filter(run=run):
        assert draft.writer == EmailDraft.Writer.CLAUDE and draft.status == EmailDraft.Status.NEEDS_REVIEW
    assert len(claude.message_requests) == 2  # one single call each for the expired and the errored request
    assert "batch: expired" in EmailDraft.objects.get(pk=first.pk).generation_errors[0]


def test_a_redelivered_submit_does_not_submit_twice(organization, three_accounts, claude,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    run = _scheduled_run(organization, django_capture_on_commit_callbacks)
    assert writer_batch_submit(run_id=run.pk) is None
    assert len([r for r in claude.requests if r.path == "/v1/messages/batches" and r.method == "POST"]) == 1


def test_a_batch_that_cannot_be_submitted_is_written_one_by_one(
    organization, three_accounts, claude, settings, django_capture_on_commit_callbacks
):
    settings.ANTHROPIC_BASE_URL = "http://127.0.0.1:9"  # nothing listens: the batch cannot be submitted
    settings.ANTHROPIC_MAX_RETRIES = 0
    run = _scheduled_run(organization, django_capture_on_commit_callbacks)
    assert WriterBatch.objects.get(run=run).status == WriterBatch.Status.FAILED
    # the drafts were queued one by one (eager here), and with the API unreachable they fell back to the template
    assert not EmailDraft.objects.filter(status=EmailDraft.Status.GENERATING).exists()


def test_a_run_started_by_a_person_stays_immediate(organization, three_accounts, claude,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, on_date=TODAY)
    assert not WriterBatch.objects.exists() and len(claude.message_requests) == 3


def test_the_batch_path_can_be_switched_off(organization, three_accounts, claude, settings,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.ANTHROPIC_BATCHES = False
    _scheduled_run(organization, django_capture_on_commit_callbacks)
    assert not WriterBatch.objects.exists() and len(claude.message_requests) == 3


def test_drafts_waiting_for_their_batch_are_not_written_again_by_the_reconciler(
    organization, three_accounts, claude, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from escalation.delivery.outbox import drafts_reconcile

    run = _scheduled_run(organization, django_capture_on_commit_callbacks)
    later = timezone.now() + datetime.timedelta(hours=2)
    assert drafts_reconcile(now=later) == {}
    assert not claude.message_requests
    # A batch whose worker died before submitting: its drafts are written one by one after a while.
    WriterBatch.objects.filter(run=run).update(status=WriterBatch.Status.SUBMITTING,
                                               created_at=timezone.now() - datetime.timedelta(hours=1))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        writer_batches_poll()
    assert not EmailDraft.objects.filter(status=EmailDraft.Status.GENERATING).exists()
    assert len(claude.message_requests) == 3
