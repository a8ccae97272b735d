"""The layers of the redelivery guards that correctness does not need, each held to what it is for.

Generation stores under a row lock and refuses a draft that is no longer ``generating`` (draft_store), and a
send moves the draft through the state machine under a lock: those alone keep every redelivered task from
writing or sending twice (escalation/tests/test_outbox_and_guards.py). The early checks in front of them
are there so a redelivered task costs nothing – no ledger facts read, no writer, no rate-limit slot, no due
list computed – and the send's check under the lock so a copy that lost the race ends quietly instead of
failing with an illegal transition (and being retried). Each test here fails when its guard is removed."""

import datetime

import pytest
from django.utils import timezone

from escalation.delivery import services as delivery
from escalation.delivery.services import draft_send
from escalation.generation import draft_generate_from_answer
from escalation.models import EmailDraft, EscalationRun
from escalation.policies import collection_settings_get
from escalation.services import draft_generate, escalation_daily_runs
from escalation.tests.ledger import active_templates, owing_account
from escalation.tests.test_outbox_and_guards import _generating
from escalation.tests.test_sending_through_ses import _queued_draft

pytestmark = pytest.mark.django_db
S = EmailDraft.Status


@pytest.mark.parametrize("redelivered", ["generate", "batch answer"])
def test_a_redelivered_generation_task_reads_nothing_but_the_draft(organization, redelivered,
                                                                   django_assert_max_num_queries):  # fmt: skip
    draft = draft_generate(draft_id=_generating(organization).pk)
    assert draft.status == S.NEEDS_REVIEW
    with django_assert_max_num_queries(1):  # the draft's row: no facts, no other customers, no writer
        if redelivered == "generate":
            again = draft_generate(draft_id=draft.pk)
        else:
            again = draft_generate_from_answer(draft_id=draft.pk, result=None, problem="late")
    assert again.status == S.NEEDS_REVIEW and again.body_text == draft.body_text


@pytest.fixture
def ses(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    return fake_ses


def _spy_on_slots(monkeypatch) -> list[float]:
    taken = []
    reserve = delivery.send_slot_reserve

    def spy(**kwargs):
        taken.append(reserve(**kwargs))
        return taken[-1]

    monkeypatch.setattr(delivery, "send_slot_reserve", spy)
    return taken


def test_a_redelivered_send_task_takes_no_rate_limit_slot(organization, ses, monkeypatch):
    draft = _queued_draft(organization)
    taken = _spy_on_slots(monkeypatch)
    assert draft_send(draft_id=draft.pk).status == S.SENT
    assert draft_send(draft_id=draft.pk).status == S.SENT  # the broker delivers the task again

    assert len(taken) == 1  # a slot is a send's share of the SES rate: the duplicate took none
    assert len(ses.sent_messages()) == 1


def test_a_send_copy_that_lost_the_race_while_waiting_for_its_slot_ends_quietly(organization, ses, monkeypatch):
    """The other copy moved the draft to "sending" between this copy's first look and its lock."""
    draft = _queued_draft(organization)
    reserve = delivery.send_slot_reserve

    def the_other_copy_gets_there_first(**kwargs):
        EmailDraft.objects.filter(pk=draft.pk).update(status=S.SENDING, sending_started_at=timezone.now())
        return reserve(**kwargs)

    monkeypatch.setattr(delivery, "send_slot_reserve", the_other_copy_gets_there_first)
    result = draft_send(draft_id=draft.pk)  # no IllegalTransition: the task is not failed and retried

    assert result.status == S.SENDING
    assert ses.sent_messages() == []  # the other copy sends it


def test_a_second_firing_of_the_daily_schedule_does_not_compute_the_due_list_again(
    organization, django_assert_max_num_queries
):
    active_templates(organization)
    owing_account(organization, days_overdue=45, name="Northwind")
    collection = collection_settings_get(organization=organization)
    collection.daily_run_hour, collection.business_days = 9, [0, 1, 2, 3, 4, 5, 6]
    collection.save()
    nine = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 5))
    assert len(escalation_daily_runs(now=nine)) == 1

    with django_assert_max_num_queries(2):  # the schedules, and "is today's run there?": no due list
        assert escalation_daily_runs(now=nine + datetime.timedelta(minutes=30)) == []
    assert EscalationRun.objects.filter(scheduled=True).count() == 1
