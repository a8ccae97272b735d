"""Escalation runs and draft generation.

A run creates at most one draft per (account, snapshot date, degree) - the database refuses a second -
and queues one generation task per draft it created. Generation writes the email (Claude or the offline
writer), checks every figure against the ledger, retries once with the failures fed back, and falls back
to the template's deterministic rendering, flagged for review, rather than lose a draft.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit_event_record

from .degree import accounts_due
from .generation import draft_generate  # noqa: F401  (tasks and callers import it from here)
from .holds import StaleReport, drafts_hold_for_promise, stale_report_reason
from .models import EmailDraft, EscalationRun
from .writing.checks import ledger_check
from .writing.claude import WriterOutputError, WriterUnavailable, claude_write
from .writing.offline import offline_write

Status = EmailDraft.Status


@transaction.atomic
def escalation_run_start(
    *,
    organization: Organization,
    actor=None,
    on_date: datetime.date | None = None,
    scheduled: bool = False,
    account_ids: list[int] | None = None,
) -> EscalationRun:
    """Draft an email for every account due on ``on_date`` (or only ``account_ids``) and queue their generation."""
    on_date = on_date or timezone.localdate()
    report = accounts_due(organization=organization, on_date=on_date)
    stale = stale_report_reason(organization=organization, snapshot_date=report.snapshot_date, on_date=on_date)
    if stale:
        raise StaleReport(stale)
    if account_ids is not None:
        report.due = [due for due in report.due if due.account_id in account_ids]
        report.skipped = [skip for skip in report.skipped if skip.account_id in account_ids]
    run = EscalationRun.objects.create(
        organization=organization,
        run_date=on_date,
        snapshot_date=report.snapshot_date,
        started_by=actor if actor is not None and actor.is_authenticated else None,
        scheduled=scheduled,
    )
    EmailDraft.objects.bulk_create(
        [
            EmailDraft(
                organization=organization, account_id=due.account_id, run=run, snapshot_date=report.snapshot_date,
                degree=due.email_degree, template_id=due.template_id, contact_id=due.contact_id,
                recipient_email=due.recipient_email, requires_approval=due.requires_approval,
            )
            for due in report.due
        ],
        ignore_conflicts=True,  # another run got there first: the unique constraint keeps one draft
    )  # fmt: skip
    created = list(EmailDraft.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    run.counts = {
        "due": len(report.due),
        "drafts_created": len(created),
        "already_drafted": len(report.due) - len(created),
        "skipped": len(report.skipped),
        "skip_reasons": dict(Counter(s.reason.split(" (")[0] for s in report.skipped)),
    }
    if not created:
        run.status, run.finished_at = EscalationRun.Status.COMPLETED, timezone.now()
    run.save()
    audit_event_record(organization=organization, action="run.started", obj=run, actor=actor, payload=run.counts)

    from .batches import batches_enabled
    from .delivery.outbox import drafts_task_publish
    from .tasks import writer_batch_submit_task

    if created and batches_enabled(scheduled=scheduled):
        transaction.on_commit(lambda: writer_batch_submit_task.delay(run.pk))
    else:
        transaction.on_commit(lambda: drafts_task_publish(draft_ids=created, status=Status.GENERATING))
    return run


def template_preview(*, template, account, use_claude: bool = False) -> dict:
    """The email ``template`` would produce for ``account`` today, written but not stored."""
    from .degree import latest_snapshot_date
    from .generation import other_customer_names
    from .models import PolicyLevel
    from .writing.facts import account_facts
    from .writing.prompt import organization_text, system_blocks, user_message
    from .writing.render import EmailParts, RenderError, email_render

    snapshot_date = latest_snapshot_date(organization=account.organization) or timezone.localdate()
    level = PolicyLevel.objects.filter(
        policy__organization=account.organization, policy__is_default=True, template_identifier=template.identifier
    ).first()
    facts = account_facts(
        account=account, contact=account.contacts.filter(is_billing=True).first(), snapshot_date=snapshot_date,
        degree=level.degree if level else 1,
    )  # fmt: skip
    email, writer = None, "offline writer"
    if use_claude and settings.AI_MODE == "claude":
        block = organization_text(template_data=template.data, template_identifier=template.identifier,
                                  template_version=template.version, organization=facts.organization)  # fmt: skip
        try:
            result = claude_write(system=system_blocks(organization_block=block),
                                  user=user_message(facts=facts, template_data=template.data))  # fmt: skip
            email, writer = email_render(parts=EmailParts.from_json(result.answer), facts=facts), "Claude"
        except (WriterUnavailable, WriterOutputError, RenderError) as exc:
            writer = f"offline writer (Claude failed: {exc})"
    if email is None:
        email = offline_write(template=template.data, facts=facts)
    check = ledger_check(subject=email.subject, body=email.text, facts=facts.as_dict(),
                         other_customer_names=other_customer_names(account=account))  # fmt: skip
    return {"subject": email.subject, "body": email.text, "html": email.html, "writer": writer, "check": check,
            "facts": facts.as_dict()}  # fmt: skip


def escalation_daily_runs(*, now: datetime.datetime) -> list[int]:
    """The schedule: every organization whose run hour it is gets today's run, once (safe to fire twice)."""
    from django.db import IntegrityError

    from .models import CollectionSettings

    local = timezone.localtime(now)
    started = []
    for collection in CollectionSettings.objects.select_related("organization"):
        if collection.daily_run_hour != local.hour or local.weekday() not in collection.business_days:
            continue
        if EscalationRun.objects.filter(organization=collection.organization, run_date=local.date(),
                                        scheduled=True).exists():  # fmt: skip
            continue
        try:
            run = escalation_run_start(organization=collection.organization, on_date=local.date(), scheduled=True)
        except IntegrityError:
            continue  # the other scheduler got there first
        except StaleReport as exc:  # nothing drafted from an old report; the dashboard says why
            audit_event_record(organization=collection.organization, action="run.refused",
                               payload={"reason": " ".join(exc.messages)})  # fmt: skip
            continue
        started.append(run.pk)
    return started


@transaction.atomic
def note_add(*, account, author, text: str):
    from .models import Note

    text = text.strip()
    if not text:
        raise ValidationError("A note needs some text.")
    note = Note.objects.create(organization=account.organization, account=account, author=author, text=text[:5000])
    audit_event_record(organization=account.organization, action="note.added", obj=account, actor=author,
                       payload={"note_id": note.pk})  # fmt: skip
    return note


@transaction.atomic
def promise_record(*, account, actor, promised_date: datetime.date, amount):
    """Record a promise to pay: no collection email until ``promised_date`` - every unsent draft of the account is
    cancelled with the promise as its reason; after the date, if the balance is still open, escalation resumes by
    itself and the next email says the promise was broken."""
    from .models import PromiseToPay

    if promised_date < timezone.localdate():
        raise ValidationError("A promise to pay needs a date from today on.")
    if amount <= 0:
        raise ValidationError("The promised amount must be more than zero.")
    promise = PromiseToPay.objects.create(organization=account.organization, account=account,
                                          promised_date=promised_date, amount=amount, recorded_by=actor)  # fmt: skip
    cancelled = drafts_hold_for_promise(promise=promise, actor=actor)
    audit_event_record(organization=account.organization, action="promise.recorded", obj=account, actor=actor,
                       payload={"promised_date": promised_date.isoformat(), "amount": str(amount),
                                "drafts_cancelled": cancelled})  # fmt: skip
    return promise


def account_email_now(*, account, actor) -> EscalationRun:
    """Draft the account's next email now (the same rules as a run, for this one account)."""
    return escalation_run_start(organization=account.organization, actor=actor, account_ids=[account.pk])
