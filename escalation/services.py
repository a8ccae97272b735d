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
from .models import EmailDraft, EscalationRun
from .writing.claude import WriterOutputError, WriterUnavailable, claude_write
from .writing.facts import draft_facts
from .writing.ledger_check import ledger_check
from .writing.offline import offline_write
from .writing.prompt import prompt_hash, system_prompt, user_message

Status = EmailDraft.Status
MAX_WRITER_ATTEMPTS = 2  # the first answer, and one more with the ledger check's failures fed back


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
                degree=due.degree, template_id=due.template_id, contact_id=due.contact_id,
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

    from .delivery.outbox import drafts_task_publish

    transaction.on_commit(lambda: drafts_task_publish(draft_ids=created, status=Status.GENERATING))
    return run


def draft_generate(*, draft_id: int, final_attempt: bool = True) -> EmailDraft:
    """Write and check the email of a draft that is being generated; any other draft is left alone.

    Raises WriterUnavailable when the API is unreachable and this is not the final attempt, so the task
    can try again later; on the final attempt the template's rendering is used instead.
    """
    draft = EmailDraft.objects.select_related("account__organization", "template", "contact").get(pk=draft_id)
    if draft.status != Status.GENERATING:
        return draft
    facts = draft_facts(draft)
    outcome = _write_with_claude(draft, facts, final_attempt) if settings.AI_MODE == "claude" else None
    if outcome is None:
        outcome = _write_offline(draft, facts, writer=EmailDraft.Writer.OFFLINE)
    return _store(draft.pk, facts, outcome)


def _write_offline(draft: EmailDraft, facts: dict, *, writer: str, errors: list | None = None, attempts=0) -> dict:
    subject, body = offline_write(template=draft.template.data, facts=facts)
    check = ledger_check(subject=subject, body=body, facts=facts)
    return {
        "subject": subject, "body_text": body, "writer": writer, "model": "", "check": check,
        "generation_errors": errors or [], "attempts": attempts + 1,
    }  # fmt: skip


def _write_with_claude(draft: EmailDraft, facts: dict, final_attempt: bool) -> dict:
    model = settings.ANTHROPIC_MODEL
    system = system_prompt(template_data=draft.template.data, sender=facts["organization"]["sender_name"])
    first_user = user_message(facts=facts)
    hashed = prompt_hash(model=model, system=system, user=first_user)

    # The same facts and template version were written and checked before (this draft regenerated, or
    # an identical one): never pay twice.
    earlier = (
        EmailDraft.objects.filter(prompt_hash=hashed, check_passed=True)
        .exclude(writer=EmailDraft.Writer.FALLBACK)
        .first()
    )
    if earlier is not None:
        check = ledger_check(subject=earlier.subject, body=earlier.body_text, facts=facts)
        return {"subject": earlier.subject, "body_text": earlier.body_text, "writer": EmailDraft.Writer.CACHE,
                "model": earlier.model, "prompt_hash": hashed, "check": check, "attempts": 0}  # fmt: skip

    errors, feedback, usage = [], None, Counter()
    for attempt in range(1, MAX_WRITER_ATTEMPTS + 1):
        try:
            result = claude_write(system=system, user=user_message(facts=facts, feedback=feedback), model=model)
        except WriterUnavailable as exc:
            errors.append(f"attempt {attempt}: API unavailable: {exc}")
            if not final_attempt:
                raise
            break
        except WriterOutputError as exc:
            errors.append(f"attempt {attempt}: {exc}")
            feedback = [str(exc)]
            continue
        usage.update(
            input_tokens=result.input_tokens, output_tokens=result.output_tokens,
            cache_creation_tokens=result.cache_creation_tokens, cache_read_tokens=result.cache_read_tokens,
            latency_ms=result.latency_ms,
        )  # fmt: skip
        usage["cost_usd_micro"] += int(result.cost_usd * 1_000_000)
        check = ledger_check(subject=result.subject, body=result.body, facts=facts)
        if check.passed:
            return {"subject": result.subject, "body_text": result.body, "writer": EmailDraft.Writer.CLAUDE,
                    "model": result.model, "prompt_hash": hashed, "check": check, "attempts": attempt,
                    "generation_errors": errors, "usage": usage}  # fmt: skip
        errors.append(f"attempt {attempt}: ledger check failed: " + "; ".join(check.failures))
        feedback = list(check.failures)
    outcome = _write_offline(draft, facts, writer=EmailDraft.Writer.FALLBACK, errors=errors, attempts=len(errors))
    return {**outcome, "model": model, "prompt_hash": hashed, "usage": usage}


@transaction.atomic
def _store(draft_id: int, facts: dict, outcome: dict) -> EmailDraft:
    draft = EmailDraft.objects.select_for_update(of=("self",)).select_related("account__organization").get(pk=draft_id)
    if draft.status != Status.GENERATING:
        return draft  # a duplicate task finished first
    from .delivery.services import queue_for_sending
    from .delivery.state import draft_transition

    check, usage = outcome["check"], outcome.get("usage", Counter())
    fields = {
        "subject": outcome["subject"][:200], "body_text": outcome["body_text"], "writer": outcome["writer"],
        "model": outcome.get("model", ""), "prompt_hash": outcome.get("prompt_hash", ""), "facts": facts,
        "attempts": outcome.get("attempts", 1), "check_passed": check.passed,
        "check_results": {"passed": check.passed, "failures": list(check.failures), "found": check.found},
        "generation_errors": outcome.get("generation_errors", []), "input_tokens": usage["input_tokens"],
        "output_tokens": usage["output_tokens"], "cache_creation_tokens": usage["cache_creation_tokens"],
        "cache_read_tokens": usage["cache_read_tokens"], "latency_ms": usage["latency_ms"],
        "cost_usd": usage["cost_usd_micro"] / 1_000_000, "generated_at": timezone.now(),
    }  # fmt: skip
    flagged = outcome["writer"] == EmailDraft.Writer.FALLBACK or not check.passed
    to = Status.NEEDS_REVIEW if draft.requires_approval or flagged else Status.APPROVED
    reason = "The writer failed; this is the template's rendering." if flagged else ""
    audit_payload = {"degree": draft.degree, "writer": outcome["writer"], "status": to,
                     "template_version": draft.template.version, "check_passed": check.passed}  # fmt: skip
    draft_transition(draft, to, reason=reason, audit_action="draft.generated", audit_payload=audit_payload, **fields)
    if to == Status.APPROVED:  # a degree that needs no approval goes straight to sending
        queue_for_sending(draft)
    if draft.run_id and not EmailDraft.objects.filter(run_id=draft.run_id, status=Status.GENERATING).exists():
        EscalationRun.objects.filter(pk=draft.run_id, status=EscalationRun.Status.RUNNING).update(
            status=EscalationRun.Status.COMPLETED, finished_at=timezone.now()
        )
    return draft


def template_preview(*, template, account, use_claude: bool = False) -> dict:
    """The email ``template`` would produce for ``account`` today, written but not stored."""
    from .degree import latest_snapshot_date
    from .models import PolicyLevel
    from .writing.facts import account_facts

    snapshot_date = latest_snapshot_date(organization=account.organization) or timezone.localdate()
    level = PolicyLevel.objects.filter(
        policy__organization=account.organization, policy__is_default=True, template_identifier=template.identifier
    ).first()
    facts = account_facts(
        account=account, contact=account.contacts.filter(is_billing=True).first(), snapshot_date=snapshot_date,
        degree=level.degree if level else 1,
    )  # fmt: skip
    if use_claude and settings.AI_MODE == "claude":
        system = system_prompt(template_data=template.data, sender=facts["organization"]["sender_name"])
        try:
            result = claude_write(system=system, user=user_message(facts=facts))
            subject, body, writer = result.subject, result.body, "Claude"
        except (WriterUnavailable, WriterOutputError) as exc:
            subject, body = offline_write(template=template.data, facts=facts)
            writer = f"offline writer (Claude failed: {exc})"
    else:
        subject, body = offline_write(template=template.data, facts=facts)
        writer = "offline writer"
    check = ledger_check(subject=subject, body=body, facts=facts)
    return {"subject": subject, "body": body, "writer": writer, "check": check, "facts": facts}


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
    """Record a promise to pay: no collection email until ``promised_date``; after it, if the balance is
    still open, escalation resumes by itself."""
    from .models import PromiseToPay

    if promised_date < timezone.localdate():
        raise ValidationError("A promise to pay needs a date from today on.")
    if amount <= 0:
        raise ValidationError("The promised amount must be more than zero.")
    promise = PromiseToPay.objects.create(organization=account.organization, account=account,
                                          promised_date=promised_date, amount=amount, recorded_by=actor)  # fmt: skip
    audit_event_record(organization=account.organization, action="promise.recorded", obj=account, actor=actor,
                       payload={"promised_date": promised_date.isoformat(), "amount": str(amount)})  # fmt: skip
    return promise


def account_email_now(*, account, actor) -> EscalationRun:
    """Draft the account's next email now (the same rules as a run, for this one account)."""
    return escalation_run_start(organization=account.organization, actor=actor, account_ids=[account.pk])
