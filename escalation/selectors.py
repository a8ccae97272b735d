import bisect
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.tenancy import scoped

from .models import EmailDraft, EscalationRun, PromiseToPay

# What a person reads on an account's timeline for each audit action the code records, and for the timeline's
# own entries ("note", "import"). A draft records "draft.<status>" on every change of status.
TIMELINE_LABELS = {
    "account.created": "Account created",
    "account.updated": "Account details changed",
    "account.merged": "Another account merged into this one",
    "contact.created": "Contact added",
    "contact.updated": "Contact changed",
    "contact.suppressed": "Emails to a contact stopped",
    "contact.suppression_lifted": "Emails to a contact allowed again",
    "api_token.created": "API token created",
    "member.invited": "Colleague invited",
    "member.role_changed": "Role of a colleague changed",
    "member.deactivated": "Colleague deactivated",
    "member.activated": "Colleague reactivated",
    "api_token.revoked": "API token revoked",
    "invoice.disputed": "Invoice disputed",
    "invoice.dispute_resolved": "Invoice dispute resolved",
    "note.added": "Note added",
    "note": "Note",
    "promise.recorded": "Promise to pay recorded",
    "reply.received": "Customer replied",
    "reply.answered": "Reply answered",
    "reply.assigned": "Unmatched reply filed on this account",
    "import": "Aging report imported",
    "import.read": "File read for a preview",
    "import.rejected": "File refused",
    "import.completed": "Import completed",
    "admin.imported": "Imported in the back office",
    "template.version_created": "Template version written",
    "template.version_activated": "Template version made active",
    "run.started": "Escalation run started",
    "run.refused": "Run refused: the newest report is too old",
    "draft.generated": "Email drafted",
    "draft.generating": "Email being drafted",
    "draft.needs_review": "Draft edited, back in review",
    "draft.approved": "Draft approved",
    "draft.queued": "Email queued for sending",
    "draft.sending": "Email being sent",
    "draft.sent": "Email sent",
    "draft.failed": "Email could not be sent",
    "draft.suppressed": "Email stopped: the contact is suppressed",
    "draft.cancelled": "Draft cancelled",
    "draft.unknown": "Email may not have been sent: check SES",
}


def timeline_label(kind: str) -> str:
    """The words for a timeline entry; an action nobody gave words yet still reads as words, never as a code."""
    return TIMELINE_LABELS.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()


def run_list(*, user) -> QuerySet[EscalationRun]:
    return scoped(EscalationRun.objects.select_related("started_by"), user)


def draft_list(*, user) -> QuerySet[EmailDraft]:
    return scoped(EmailDraft.objects.select_related("account", "template", "run"), user)


def account_timeline(*, account) -> list[dict]:
    """Everything that happened to an account, newest first: audit events (imports, edits, approvals,
    sends, suppressions...), notes, and the imports that wrote its aging snapshots. Each entry has a ``kind``
    (the action code) and a ``label`` (what a person reads)."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Account, AuditEvent
    from invoices.models import ImportBatch

    from .models import Note

    entries = []
    events = (
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Account), object_id=str(account.pk))
        .exclude(action="note.added")  # the note itself is on the timeline
        .select_related("actor")[:200]
    )
    for event in events:
        entries.append({"at": event.created_at, "kind": event.action, "who": event.actor, "detail": event.payload})
    for note in Note.objects.filter(account=account).select_related("author")[:200]:
        entries.append({"at": note.created_at, "kind": "note", "who": note.author, "detail": {"text": note.text}})
    batches = ImportBatch.objects.filter(snapshots__invoice__account=account).distinct().select_related("uploaded_by")
    for batch in batches[:100]:
        entries.append(
            {
                "at": batch.finished_at or batch.created_at,
                "kind": "import",
                "who": batch.uploaded_by,
                "detail": {"file": batch.file_name, "as_of": str(batch.as_of), "batch_id": batch.pk},
            }
        )
    for entry in entries:
        entry["label"] = timeline_label(entry["kind"])
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


class PromiseState(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"


@dataclass(frozen=True)
class PromiseStanding:
    promise: PromiseToPay
    state: str
    paid: Decimal  # how much of what was owed when the promise was made is paid, as of ``judged_on``
    owed: Decimal  # what was owed then, by the report before the promise
    judged_on: datetime.date | None  # the report the state was read from (None: none since the promise)

    @property
    def state_label(self) -> str:
        return PromiseState(self.state).label


class _InvoiceHistory:
    """One invoice's open balance on any report date, from its snapshots and whether it has been closed."""

    def __init__(self, closed: bool):
        self.dates: list[datetime.date] = []
        self.totals: list[Decimal] = []
        self.closed = closed

    def balance_on(self, day: datetime.date) -> Decimal:
        if self.closed and day > self.dates[-1]:
            return Decimal(0)  # missing from the reports after its last one: paid
        at = bisect.bisect_right(self.dates, day)
        return self.totals[at - 1] if at else Decimal(0)  # not reported yet: not owed yet


def account_promises(*, account, today: datetime.date, limit: int = 10) -> list[PromiseStanding]:
    """The account's latest promises to pay, each open, kept or broken, judged from the aging reports.

    What a promise is measured against is what the account owed on the last report before it was made, invoice by
    invoice, so an invoice issued since does not hide a payment. It is kept when a report shows that balance paid
    down by the promised amount (or paid off) by the promised date; the first report after the date counts too, as
    it is the first news of what was paid by then. Broken: the date has passed without that. Open: neither yet.
    Three queries, however long the account's history.
    """
    from invoices.models import ImportBatch, InvoiceAgingSnapshot

    promises = list(PromiseToPay.objects.filter(account=account)[:limit])
    if not promises:
        return []
    histories: dict[int, _InvoiceHistory] = {}
    total = sum((F(name) for name in InvoiceAgingSnapshot.BUCKET_FIELDS[1:]), F(InvoiceAgingSnapshot.BUCKET_FIELDS[0]))
    rows = (
        InvoiceAgingSnapshot.objects.filter(invoice__account=account)
        .annotate(total=total)
        .order_by("invoice_id", "snapshot_date")
        .values_list("invoice_id", "invoice__closed_at", "snapshot_date", "total")
    )
    for invoice_id, closed_at, snapshot_date, amount in rows:
        history = histories.setdefault(invoice_id, _InvoiceHistory(closed=closed_at is not None))
        history.dates.append(snapshot_date)
        history.totals.append(Decimal(amount))
    # The report dates: this account's own, and those of the organization's imports (a report that lists none of
    # its invoices any more is the one that shows them paid).
    report_dates = sorted(
        {day for history in histories.values() for day in history.dates}
        | set(
            ImportBatch.objects.filter(
                organization_id=account.organization_id,
                kind=ImportBatch.Kind.AGING,
                status=ImportBatch.Status.COMPLETED,
                as_of__isnull=False,
            ).values_list("as_of", flat=True)
        )
    )
    return [_promise_standing(promise, histories, report_dates, today) for promise in promises]


def _promise_standing(promise, histories: dict, report_dates: list, today: datetime.date) -> PromiseStanding:
    made_on = timezone.localtime(promise.created_at).date()
    before = [day for day in report_dates if day <= made_on]
    baseline_on = before[-1] if before else next(iter(report_dates), None)
    # An invoice first reported after the baseline is not part of what was promised.
    owed_then = {
        invoice_id: history.balance_on(baseline_on)
        for invoice_id, history in histories.items()
        if baseline_on is not None and history.dates[0] <= baseline_on
    }
    owed = sum(owed_then.values(), Decimal(0))
    # The reports that tell what was paid by the date: those after the baseline, up to the first one on or after
    # the date (the first news of what was paid by then).
    first_after = next((day for day in report_dates if day >= promise.promised_date), None)
    counted = [
        day
        for day in report_dates
        if baseline_on is not None and day > baseline_on and (first_after is None or day <= first_after)
    ]
    judged_on = counted[-1] if counted else None
    paid = Decimal(0)
    if judged_on is not None:
        paid = sum((owed_then[pk] - histories[pk].balance_on(judged_on) for pk in owed_then), Decimal(0))
    if judged_on is not None and paid >= (min(promise.amount, owed) if owed > 0 else promise.amount):
        state = PromiseState.KEPT  # the promised amount, or all that was owed if that was less
    elif today <= promise.promised_date:
        state = PromiseState.OPEN
    else:
        state = PromiseState.BROKEN
    return PromiseStanding(promise=promise, state=state, paid=paid, owed=owed, judged_on=judged_on)
