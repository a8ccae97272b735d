"""Draft generation: write the email (Claude or the offline writer), render its figures, check it, store it.

Claude writes the words (structured parts with placeholders); ``render`` writes every figure from the ledger; the
ledger and claims check reads the final text. A failure - refused parts, a failed check - is fed back once; then
the offline writer's rendering is used instead, and the draft goes to review flagged: a draft that failed is never
approved by itself, even on a level that needs no approval.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Account

from .delivery.state import draft_transition
from .models import EmailDraft, EscalationRun
from .writing.checks import LedgerCheck, ledger_check
from .writing.checks.claims import CustomerNames
from .writing.claude import WriterOutputError, WriterResult, WriterUnavailable, claude_write
from .writing.facts import EmailFacts, draft_facts
from .writing.offline import offline_write
from .writing.prompt import organization_text, prompt_hash, system_blocks, user_message
from .writing.render import EmailParts, RenderedEmail, RenderError, email_render

Status = EmailDraft.Status
MAX_WRITER_ATTEMPTS = 2  # the first answer, and one more with the failures fed back


@dataclass
class Outcome:
    email: RenderedEmail
    writer: str
    check: LedgerCheck
    model: str = ""
    prompt_hash: str = ""
    attempts: int = 1
    errors: list[str] = field(default_factory=list)
    usage: Counter = field(default_factory=Counter)


_names_index: dict[int, tuple[tuple, CustomerNames]] = {}


def other_customer_names(*, account: Account) -> CustomerNames:
    """The index of the organization's account names: an email naming another of them went to the wrong customer.

    Built once per process and organization, and again when an account is added, renamed or removed (one small
    aggregate query tells); the account's own name is masked by the check as trusted text, so it is never
    "another customer".
    """
    accounts = Account.objects.filter(organization_id=account.organization_id)
    key = tuple(accounts.aggregate(count=Count("id"), changed=Max("updated_at")).values())
    cached = _names_index.get(account.organization_id)
    if cached is None or cached[0] != key:
        cached = (key, CustomerNames(accounts.values_list("account_name", flat=True)))
        _names_index[account.organization_id] = cached
    return cached[1]


def _check(email: RenderedEmail, facts: EmailFacts, others: CustomerNames, template_data: dict) -> LedgerCheck:
    return ledger_check(subject=email.subject, body=email.text, facts=facts.as_dict(), other_customer_names=others,
                        template_data=template_data)  # fmt: skip


def draft_prompt(draft: EmailDraft, facts: EmailFacts, *, feedback: list[str] | None = None) -> tuple[list, str]:
    """``(system blocks, user message)`` of a draft: the same for a single call and a batch request."""
    template = draft.template
    block = organization_text(template_data=template.data, template_identifier=template.identifier,
                              template_version=template.version, organization=facts.organization)  # fmt: skip
    return system_blocks(organization_block=block), user_message(
        facts=facts, template_data=template.data, feedback=feedback
    )


def write_offline(draft: EmailDraft, facts: EmailFacts, others: CustomerNames, *, writer: str, errors=None) -> Outcome:
    email = offline_write(template=draft.template.data, facts=facts)
    errors = list(errors or [])
    check = _check(email, facts, others, draft.template.data)
    return Outcome(email=email, writer=writer, check=check, attempts=len(errors) + 1, errors=errors)


def outcome_from_answer(
    draft: EmailDraft, facts: EmailFacts, others: CustomerNames, result: WriterResult
) -> tuple[Outcome | None, list[str]]:
    """Render and check one answer of Claude's: the outcome if it passed, else the failures to feed back."""
    try:
        email = email_render(parts=EmailParts.from_json(result.answer), facts=facts)
    except RenderError as exc:
        return None, exc.failures
    check = _check(email, facts, others, draft.template.data)
    if not check.passed:
        return None, list(check.failures)
    return Outcome(email=email, writer=EmailDraft.Writer.CLAUDE, check=check, model=result.model), []


def _usage(result: WriterResult) -> Counter:
    usage = Counter(
        input_tokens=result.input_tokens, output_tokens=result.output_tokens,
        cache_creation_tokens=result.cache_creation_tokens, cache_read_tokens=result.cache_read_tokens,
        latency_ms=result.latency_ms,
    )  # fmt: skip
    usage["cost_usd_micro"] = int(result.cost_usd * 1_000_000)
    return usage


def write_with_claude(
    draft: EmailDraft,
    facts: EmailFacts,
    others: CustomerNames,
    *,
    final_attempt: bool,
    first: WriterResult | None = None,
) -> Outcome:
    """Claude's email, with one retry on failure, else the offline writer's flagged for review.

    ``first`` is an answer already in hand (from a message batch); it counts as the first attempt.
    """
    model = settings.ANTHROPIC_MODEL
    system, user = draft_prompt(draft, facts)
    hashed = prompt_hash(model=model, system=system, user=user)

    # The same brief and template version were written and passed before: never pay twice. The parts hold no
    # figures, so rendering them with this draft's facts is right even for another account with the same brief.
    earlier = (
        EmailDraft.objects.filter(prompt_hash=hashed, check_passed=True, writer=EmailDraft.Writer.CLAUDE)
        .exclude(parts={})
        .first()
    )
    if earlier is not None:
        try:
            email = email_render(parts=EmailParts.from_json(earlier.parts), facts=facts)
            check = _check(email, facts, others, draft.template.data)
            if check.passed:
                return Outcome(email=email, writer=EmailDraft.Writer.CACHE, check=check, model=earlier.model,
                               prompt_hash=hashed, attempts=0)  # fmt: skip
        except RenderError:
            pass

    errors: list[str] = []
    feedback: list[str] | None = None
    usage: Counter = Counter()
    for attempt in range(1, MAX_WRITER_ATTEMPTS + 1):
        if attempt == 1 and first is not None:
            result = first
        else:
            try:
                result = claude_write(system=system, user=draft_prompt(draft, facts, feedback=feedback)[1],
                                      model=model)  # fmt: skip
            except WriterUnavailable as exc:
                errors.append(f"attempt {attempt}: API unavailable: {exc}")
                if not final_attempt:
                    raise
                break
            except WriterOutputError as exc:
                errors.append(f"attempt {attempt}: {exc}")
                feedback = [str(exc)]
                continue
        usage.update(_usage(result))
        outcome, failures = outcome_from_answer(draft, facts, others, result)
        if outcome is not None:
            outcome.prompt_hash, outcome.attempts, outcome.errors, outcome.usage = hashed, attempt, errors, usage
            return outcome
        errors.append(f"attempt {attempt}: refused: " + "; ".join(failures))
        feedback = failures
    fallback = write_offline(draft, facts, others, writer=EmailDraft.Writer.FALLBACK, errors=errors)
    fallback.model, fallback.prompt_hash, fallback.usage = model, hashed, usage
    return fallback


def _draft(draft_id: int) -> EmailDraft:
    return EmailDraft.objects.select_related("account__organization", "template", "contact").get(pk=draft_id)


def draft_generate(*, draft_id: int, final_attempt: bool = True) -> EmailDraft:
    """Write and check the email of a draft that is being generated; any other draft is left alone.

    Raises WriterUnavailable when the API is unreachable and this is not the final attempt, so the task
    can try again later; on the final attempt the template's rendering is used instead.
    """
    draft = _draft(draft_id)
    if draft.status != Status.GENERATING:
        return draft
    facts = draft_facts(draft)
    others = other_customer_names(account=draft.account)
    if settings.AI_MODE == "claude":
        outcome = write_with_claude(draft, facts, others, final_attempt=final_attempt)
    else:
        outcome = write_offline(draft, facts, others, writer=EmailDraft.Writer.OFFLINE)
    return draft_store(draft_id=draft.pk, facts=facts, outcome=outcome)


def draft_generate_from_answer(*, draft_id: int, result: WriterResult | None, problem: str = "") -> EmailDraft:
    """Finish a draft whose first answer came from a message batch (``result``), or whose batch request did not
    succeed (``problem``: then a single call now, as if the batch had not been tried)."""
    draft = _draft(draft_id)
    if draft.status != Status.GENERATING:
        return draft
    facts = draft_facts(draft)
    others = other_customer_names(account=draft.account)
    outcome = write_with_claude(draft, facts, others, final_attempt=True, first=result)
    if problem:
        outcome.errors.insert(0, f"batch: {problem}")
    return draft_store(draft_id=draft.pk, facts=facts, outcome=outcome)


@transaction.atomic
def draft_store(*, draft_id: int, facts: EmailFacts, outcome: Outcome) -> EmailDraft:
    draft = (
        EmailDraft.objects.select_for_update(of=("self",))
        .select_related("account__organization", "template")
        .get(pk=draft_id)
    )
    if draft.status != Status.GENERATING:
        return draft  # a duplicate task finished first
    check, usage = outcome.check, outcome.usage
    fields = {
        "subject": outcome.email.subject[:200], "body_text": outcome.email.text, "body_html": outcome.email.html,
        "parts": outcome.email.parts.as_dict(), "writer": outcome.writer, "model": outcome.model,
        "prompt_hash": outcome.prompt_hash, "facts": facts.as_dict(), "attempts": outcome.attempts,
        "check_passed": check.passed,
        "check_results": {"passed": check.passed, "failures": list(check.failures), "found": check.found},
        "generation_errors": outcome.errors, "input_tokens": usage["input_tokens"],
        "output_tokens": usage["output_tokens"], "cache_creation_tokens": usage["cache_creation_tokens"],
        "cache_read_tokens": usage["cache_read_tokens"], "latency_ms": usage["latency_ms"],
        "cost_usd": Decimal(usage["cost_usd_micro"]) / 1_000_000, "generated_at": timezone.now(),
    }  # fmt: skip
    if not check.passed:
        to, reason = Status.NEEDS_REVIEW, "Held: the email failed the check - " + "; ".join(check.failures)
    elif outcome.writer == EmailDraft.Writer.FALLBACK:
        to, reason = Status.NEEDS_REVIEW, "The writer failed twice; this is the template's rendering."
    elif draft.requires_approval:
        to, reason = Status.NEEDS_REVIEW, ""
    else:
        to, reason = Status.APPROVED, ""
    audit_payload = {"degree": draft.degree, "writer": outcome.writer, "status": to,
                     "template_version": draft.template.version, "check_passed": check.passed}  # fmt: skip
    draft_transition(draft, to, reason=reason, audit_action="draft.generated", audit_payload=audit_payload, **fields)
    if to == Status.APPROVED:  # a degree that needs no approval goes straight to sending
        from .delivery.services import queue_for_sending

        queue_for_sending(draft)
    if draft.run_id and not EmailDraft.objects.filter(run_id=draft.run_id, status=Status.GENERATING).exists():
        EscalationRun.objects.filter(pk=draft.run_id, status=EscalationRun.Status.RUNNING).update(
            status=EscalationRun.Status.COMPLETED, finished_at=timezone.now()
        )
    return draft
