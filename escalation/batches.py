"""Message Batches for scheduled runs: one batch per run, polled by beat, results through the same checks.

A scheduled run's drafts are submitted as one batch (half the price of single calls). Each result goes through
``generation.draft_generate_from_answer`` - the same rendering, checks, retry and fallback as a single call; a
request that errored or expired is written by a single call instead. Runs a person starts stay immediate.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .generation import draft_generate_from_answer, draft_prompt
from .models import EmailDraft, EscalationRun, WriterBatch
from .writing.claude import (
    WriterUnavailable,
    claude_batch_results,
    claude_batch_status,
    claude_batch_submit,
    message_params,
)
from .writing.facts import draft_facts

CUSTOM_ID_PREFIX = "draft-"


def batches_enabled(*, scheduled: bool) -> bool:
    return scheduled and settings.AI_MODE == "claude" and settings.ANTHROPIC_BATCHES


def _queue_single(draft_ids: list[int]) -> None:
    from .delivery.outbox import drafts_task_publish

    transaction.on_commit(lambda: drafts_task_publish(draft_ids=draft_ids, status=EmailDraft.Status.GENERATING))


def writer_batch_submit(*, run_id: int) -> WriterBatch | None:
    """Submit the run's generating drafts as one batch; a second call for the same run does nothing."""
    run = EscalationRun.objects.select_related("organization").get(pk=run_id)
    try:
        with transaction.atomic():
            batch = WriterBatch.objects.create(organization=run.organization, run=run, model=settings.ANTHROPIC_MODEL)
    except IntegrityError:
        return None  # submitted already (a redelivered task)
    drafts = list(
        EmailDraft.objects.filter(run=run, status=EmailDraft.Status.GENERATING)
        .select_related("account__organization", "template", "contact")
        .order_by("pk")
    )
    requests = []
    for draft in drafts:
        system, user = draft_prompt(draft, draft_facts(draft))
        requests.append((f"{CUSTOM_ID_PREFIX}{draft.pk}", message_params(system=system, user=user, model=batch.model)))
    try:
        batch.batch_id = claude_batch_submit(requests=requests) if requests else ""
    except WriterUnavailable as exc:
        with transaction.atomic():
            batch.status, batch.counts = WriterBatch.Status.FAILED, {"error": str(exc)[:500]}
            batch.save(update_fields=["status", "counts"])
            _queue_single([draft.pk for draft in drafts])  # the batch path is an optimisation, never a loss
        return batch
    batch.status = WriterBatch.Status.SUBMITTED if requests else WriterBatch.Status.ENDED
    batch.counts = {"requests": len(requests)}
    batch.save(update_fields=["batch_id", "status", "counts"])
    return batch


def writer_batch_collect(*, batch: WriterBatch) -> bool:
    """Store the results of an ended batch; False while it is still processing."""
    if claude_batch_status(batch_id=batch.batch_id) != "ended":
        return False
    counts: Counter = Counter()
    seen: set[int] = set()
    for outcome in claude_batch_results(batch_id=batch.batch_id, model=batch.model):
        if not outcome.custom_id.startswith(CUSTOM_ID_PREFIX):
            continue
        draft_id = int(outcome.custom_id.removeprefix(CUSTOM_ID_PREFIX))
        seen.add(draft_id)
        counts["succeeded" if outcome.result else "fell_back"] += 1
        draft_generate_from_answer(draft_id=draft_id, result=outcome.result, problem=outcome.problem)
    # A request the results do not list (should not happen) is written by a single call, never left generating.
    missing = list(
        EmailDraft.objects.filter(run_id=batch.run_id, status=EmailDraft.Status.GENERATING)
        .exclude(pk__in=seen)
        .values_list("pk", flat=True)
    )
    for draft_id in missing:
        draft_generate_from_answer(draft_id=draft_id, result=None, problem="not in the batch results")
    counts["missing"] = len(missing)
    WriterBatch.objects.filter(pk=batch.pk).update(
        status=WriterBatch.Status.ENDED, ended_at=timezone.now(), counts={**batch.counts, **counts}
    )
    return True


STUCK_SUBMITTING = datetime.timedelta(minutes=15)


def writer_batches_poll() -> int:
    """Collect every submitted batch that has ended (beat calls this every minute); how many were collected.

    A batch still "being submitted" long after it was created lost its worker between creating the row and
    submitting: its drafts are written one by one instead (the draft guards keep that from writing one twice).
    """
    stuck = WriterBatch.objects.filter(status=WriterBatch.Status.SUBMITTING,
                                       created_at__lt=timezone.now() - STUCK_SUBMITTING)  # fmt: skip
    for batch in stuck:
        with transaction.atomic():
            if WriterBatch.objects.filter(pk=batch.pk, status=WriterBatch.Status.SUBMITTING).update(
                status=WriterBatch.Status.FAILED, counts={"error": "the submitting worker stopped"}
            ):
                drafts = EmailDraft.objects.filter(run_id=batch.run_id, status=EmailDraft.Status.GENERATING)
                _queue_single(list(drafts.values_list("pk", flat=True)))
    collected = 0
    for batch in WriterBatch.objects.filter(status=WriterBatch.Status.SUBMITTED).order_by("pk"):
        try:
            collected += writer_batch_collect(batch=batch)
        except WriterUnavailable:
            continue  # the API is unreachable: the next poll tries again
    return collected
