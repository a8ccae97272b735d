"""Timing a customer would accept: a promise or a dispute holds the emails, only what is overdue is asked for, no
step is skipped, history is claimed only when it happened, and nothing goes out from an old report."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation.delivery.services import draft_send
from escalation.holds import StaleReport
from escalation.models import EmailDraft, PromiseToPay
from escalation.services import escalation_run_start
from escalation.tests.ledger import AS_OF, TODAY, active_templates, owing_account
from invoices.tests.import_helpers import canonical_row, import_file

pytestmark = pytest.mark.django_db
S = EmailDraft.Status


@pytest.fixture
def clock(monkeypatch, settings):
    """Set the date of "today" (the day of a run, of a send); the rule's production default for stale reports."""
    settings.STALE_REPORT_DAYS = 7
    real = timezone.localdate

    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda value=None, *a, **k: real(value) if value else day)

    set_today(TODAY)
    return set_today


def _run(organization, django_capture_on_commit_callbacks, on_date=TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return escalation_run_start(organization=organization, on_date=on_date)


def test_a_promise_cancels_the_waiting_draft_and_approving_it_sends_nothing(
    client_for, collector, organization, clock, mailoutbox, django_capture_on_commit_callbacks
):
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Tidewater Plumbing")
    _run(organization, django_capture_on_commit_callbacks)
    (draft,) = EmailDraft.objects.all()
    assert draft.status == S.NEEDS_REVIEW
    client = client_for(collector)
    promised = TODAY + datetime.timedelta(days=17)
    client.post(reverse("account-promise", args=[account.pk]), {"promised_date": promised.isoformat(),
                                                                "amount": "1000.00"})  # fmt: skip
    draft.refresh_from_db()
    assert draft.status == S.CANCELLED
    assert draft.status_reason == f"Promise to pay $1,000.00 until {promised:%b} {promised.day}, {promised.year}."
    page = client.post(reverse("draft-approve", args=[draft.pk]), follow=True).content.decode()
    assert "approved and queued" not in page
    assert "Promise to pay $1,000.00 until" in page  # the reason is on the draft's page
    assert mailoutbox == [] and EmailDraft.objects.get().status == S.CANCELLED


def test_a_promise_recorded_while_a_draft_waits_in_the_queue_stops_the_send(organization, clock):
    from escalation.tests.test_sending_through_ses import _queued_draft

    draft = _queued_draft(organization)
    # Written straight to the table, as another process might: the re-check at send time still sees it.
    PromiseToPay.objects.create(organization=organization, account=draft.account, amount=Decimal("10.00"),
                                promised_date=TODAY + datetime.timedelta(days=5))  # fmt: skip
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.CANCELLED and "Promise to pay" in draft.status_reason


def test_an_account_whose_open_balance_is_all_disputed_gets_no_email(organization, clock,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    active_templates(organization)
    owing_account(organization, days_overdue=45, name="All In Dispute", disputed=True)
    run = _run(organization, django_capture_on_commit_callbacks)
    assert run.counts["drafts_created"] == 0 and not EmailDraft.objects.exists()


def test_an_account_with_nothing_overdue_gets_no_reminder(organization, clock, django_capture_on_commit_callbacks):
    active_templates(organization)
    owing_account(organization, days_overdue=-10, name="Not Yet Due")  # due in ten days
    run = _run(organization, django_capture_on_commit_callbacks)
    assert run.counts["drafts_created"] == 0 and run.counts["skip_reasons"] == {"Nothing is overdue": 1}


def test_the_email_asks_only_for_what_is_overdue(organization, clock, django_capture_on_commit_callbacks):
    from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

    active_templates(organization)
    account = owing_account(organization, days_overdue=20, name="Northwind", amount="2748.02")
    amount = Decimal("25668.20")
    in_25_days = TODAY + datetime.timedelta(days=25)
    later = InvoiceFactory(account=account, invoice_amount=amount, total_outstanding=amount,
                           invoice_date=in_25_days - datetime.timedelta(days=30), due_date=in_25_days)  # fmt: skip
    InvoiceAgingSnapshotFactory(invoice=later, snapshot_date=AS_OF, days_0_30=Decimal("25668.20"))
    _run(organization, django_capture_on_commit_callbacks)
    draft = EmailDraft.objects.get()
    assert "Total due: $2,748.02" in draft.body_text and "28,416.22" not in draft.body_text
    assert f"{later.invoice_no}, dated" in draft.body_text.split("Coming due (not yet payable):")[1]
    assert draft.check_passed


def test_the_first_email_is_the_first_level_and_history_is_claimed_only_after_a_send(
    organization, clock, django_capture_on_commit_callbacks
):
    active_templates(organization)
    owing_account(organization, days_overdue=140, name="Long Overdue")
    _run(organization, django_capture_on_commit_callbacks)
    first = EmailDraft.objects.get()
    assert first.degree == 1 and first.template.identifier == "friendly-reminder"
    for words in ("previous", "last wrote", "final", "collection agency"):
        assert words not in first.body_text.lower()
    # The reminder was sent eight days ago; today the next level follows and says when we wrote.
    week_ago = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=8), datetime.time(9)))
    EmailDraft.objects.filter(pk=first.pk).update(status=S.SENT, sent_at=week_ago, created_at=week_ago)
    _run(organization, django_capture_on_commit_callbacks)
    second = EmailDraft.objects.exclude(pk=first.pk).get()
    assert second.degree == 2 and "We last wrote to you about it on" in second.body_text
    assert second.facts["previous_emails"][0]["degree"] == 1 and second.check_passed


def test_a_run_on_an_old_report_is_refused_with_the_reason(client_for, collector, organization, clock):
    active_templates(organization)
    owing_account(organization, days_overdue=45, name="Northwind")
    clock(AS_OF + datetime.timedelta(days=10))
    with pytest.raises(StaleReport, match="is 10 days old"):
        escalation_run_start(organization=organization, on_date=AS_OF + datetime.timedelta(days=10))
    client = client_for(collector)
    due_page = client.get(reverse("due")).content.decode()
    assert "is 10 days old" in due_page and "Start the run" not in due_page
    assert "is 10 days old" in client.get(reverse("home")).content.decode()
    page = client.post(reverse("run-start"), follow=True).content.decode()
    assert "Import a newer one to send" in page and not EmailDraft.objects.exists()


def test_a_queued_draft_is_held_when_its_report_has_grown_old(organization, clock):
    from escalation.tests.test_sending_through_ses import _queued_draft

    draft = _queued_draft(organization)
    clock(AS_OF + datetime.timedelta(days=12))
    draft = draft_send(draft_id=draft.pk)
    assert draft.status == S.NEEDS_REVIEW and "is 12 days old" in draft.status_reason


NORTHWIND = ("C-1", "Northwind Traders", "ap@northwind.example")


def test_a_broken_promise_is_named_in_the_next_email(organization, clock, django_capture_on_commit_callbacks):
    active_templates(organization)
    february = datetime.date(2025, 2, 28)
    import_file(organization, [canonical_row(*NORTHWIND, "INV-2", "2025-01-06", "1250.50", "2025-02-28")])
    from accounts.models import Account

    account = Account.objects.get(organization=organization)
    promise = PromiseToPay.objects.create(organization=organization, account=account, amount=Decimal("1250.50"),
                                          promised_date=datetime.date(2025, 3, 20))  # fmt: skip
    PromiseToPay.objects.filter(pk=promise.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    )
    # The March report still lists the invoice unpaid: the promise is broken, and escalation resumes.
    import_file(organization, [canonical_row(*NORTHWIND, "INV-2", "2025-01-06", "1250.50", "2025-03-31")])
    clock(datetime.date(2025, 4, 2))
    _run(organization, django_capture_on_commit_callbacks, on_date=datetime.date(2025, 4, 2))
    draft = EmailDraft.objects.get()
    assert draft.facts["broken_promise"] == {"promised_date": "2025-03-20", "amount": "1250.50"}
    assert "we expected a payment of $1,250.50 by Mar 20, 2025" in draft.body_text
    assert draft.check_passed and february < draft.snapshot_date


def test_unapplied_payments_lower_what_is_asked_and_unapplied_debits_are_never_chased(
    organization, clock, django_capture_on_commit_callbacks
):
    from invoices.models import Invoice
    from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

    active_templates(organization)
    account = owing_account(organization, days_overdue=40, name="Northwind", amount="1000.00")
    month_ago = TODAY - datetime.timedelta(days=30)
    for reference, amount in (("Unapplied payment A", "-300.00"), ("Journal entry B", "80.00")):
        value = Decimal(amount)
        row = InvoiceFactory(account=account, invoice_no=reference, kind=Invoice.Kind.UNAPPLIED, due_date=None,
                             invoice_date=month_ago, invoice_amount=value, total_outstanding=value)  # fmt: skip
        InvoiceAgingSnapshotFactory(invoice=row, snapshot_date=AS_OF, days_0_30=Decimal(amount))
    _run(organization, django_capture_on_commit_callbacks)
    draft = EmailDraft.objects.get()
    assert "Total due: $700.00" in draft.body_text and "credit of $300.00" in draft.body_text
    assert "Journal entry B" not in draft.body_text and draft.check_passed
