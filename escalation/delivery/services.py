"""Review and delivery services.

Sending is exactly-once by construction: the draft is locked and moved to ``sending`` in its own
transaction before SES is called, and to ``sent`` (with SES's message id) in another after. A duplicated
or redelivered task finds the draft no longer ``queued`` and does nothing. Everything that can fail
without SES being involved (building the client, the rate limit's Redis) happens before ``sending`` is
committed, so it leaves the draft queued. Once SES gave a message id, writing it is retried on a fresh
database connection; a crash in between leaves ``sending``, which the reconciler settles from SES's own
events (they carry our X-Fineman-Draft header) or else turns into ``unknown`` for a person - it never
resends by itself.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.formatting import format_day
from accounts.models import Contact
from finemanwest.conflicts import StateConflict
from finemanwest.resilience import atomic_with_retries

from ..degree import latest_snapshot_date
from ..holds import open_promise, promise_reason, stale_report_reason
from ..models import DraftRevision, EmailDraft
from ..policies import collection_settings_get
from ..writing.ledger_check import ledger_check
from .rate_limit import send_slot_reserve, send_slot_wait_until
from .ses import SendAmbiguous, SendPermanent, SendTransient, ses_client_ready, ses_send
from .state import draft_transition

logger = logging.getLogger(__name__)
S = EmailDraft.Status
SENT_ID_KEY = "finemanwest:ses-sent:{}"  # SES's id of a draft whose row could not be written in time


def _locked(draft_id: int) -> EmailDraft:
    return (
        EmailDraft.objects.select_for_update(of=("self",))
        .select_related("account__organization", "contact", "template")
        .get(pk=draft_id)
    )


def queue_for_sending(draft: EmailDraft, *, actor=None) -> None:
    """Queue an approved draft the caller has locked; the send task starts when the transaction commits."""
    from .outbox import draft_task_publish

    draft_transition(draft, S.QUEUED, actor=actor, task_published_at=None)
    transaction.on_commit(lambda: draft_task_publish(draft_id=draft.pk, status=S.QUEUED))


@transaction.atomic
def draft_approve(*, draft: EmailDraft, actor) -> EmailDraft:
    """A person approves the draft; it is queued for sending at once."""
    draft = _locked(draft.pk)
    if draft.status != S.NEEDS_REVIEW:
        raise StateConflict(
            f"Only a draft that needs review can be approved; this one is {draft.get_status_display().lower()}."
        )
    if not draft.check_passed:
        raise StateConflict("The draft's figures do not match the ledger; edit it until the check passes.")
    draft_transition(draft, S.APPROVED, actor=actor, approved_by=actor, approved_at=timezone.now())
    queue_for_sending(draft, actor=actor)
    return draft


def drafts_approve(*, drafts, actor) -> tuple[int, list[str]]:
    """Approve several drafts; each on its own, so one that cannot be approved does not stop the rest."""
    approved, problems = 0, []
    for draft in drafts:
        try:
            draft_approve(draft=draft, actor=actor)
            approved += 1
        except ValidationError as exc:
            problems.append(f"Draft #{draft.pk} ({draft.account.account_name}): {' '.join(exc.messages)}")
    return approved, problems


@transaction.atomic
def draft_reject(*, draft: EmailDraft, actor, reason: str = "") -> EmailDraft:
    draft = _locked(draft.pk)
    if draft.status not in (S.NEEDS_REVIEW, S.APPROVED, S.QUEUED):
        raise StateConflict(
            f"Only a draft that is not sent yet can be rejected; this one is {draft.get_status_display().lower()}."
        )
    return draft_transition(draft, S.CANCELLED, actor=actor, reason=reason or "Rejected in review.")


@transaction.atomic
def draft_edit(*, draft: EmailDraft, actor, subject: str, body_text: str) -> EmailDraft:
    """Keep a person's edit as a new revision, checked against the ledger facts of the draft."""
    draft = _locked(draft.pk)
    if draft.status not in (S.NEEDS_REVIEW, S.APPROVED):
        raise StateConflict("Only a draft in review can be edited.")
    from ..generation import other_customer_names

    check = ledger_check(subject=subject, body=body_text, facts=draft.facts, template_data=draft.template.data,
                         other_customer_names=other_customer_names(account=draft.account))  # fmt: skip
    number = draft.revisions.count() + 1
    if number == 1:  # the first edit: keep what the writer wrote as revision 1
        DraftRevision.objects.create(
            draft=draft, number=1, subject=draft.subject, body_text=draft.body_text, edited_by=None,
            check_passed=draft.check_passed, check_results=draft.check_results,
        )  # fmt: skip
        number = 2
    results = {"passed": check.passed, "failures": list(check.failures), "found": check.found}
    DraftRevision.objects.create(
        draft=draft, number=number, subject=subject, body_text=body_text, edited_by=actor,
        check_passed=check.passed, check_results=results,
    )  # fmt: skip
    return draft_transition(
        draft, S.NEEDS_REVIEW, actor=actor, reason=f"Edited (revision {number}).",
        subject=subject[:200], body_text=body_text, body_html="", check_passed=check.passed, check_results=results,
    )  # fmt: skip


def draft_recheck(draft: EmailDraft) -> tuple[str, str] | None:
    """What changed since the draft was made that forbids sending it: (new status, reason), or None."""
    account = draft.account
    today = timezone.localdate()
    if account.escalation_paused:
        return S.CANCELLED, "Escalation was paused for the account."
    promise = open_promise(account=account, on_date=today)
    if promise is not None:
        return S.CANCELLED, f"{promise_reason(promise, organization=account.organization)}."
    stale = stale_report_reason(organization=account.organization, snapshot_date=draft.snapshot_date, on_date=today)
    if stale:
        return S.NEEDS_REVIEW, f"Held: {stale}"
    contact = Contact.objects.filter(pk=draft.contact_id).first()
    if contact is None or contact.email != draft.recipient_email or not contact.is_billing:
        return S.CANCELLED, "The billing contact changed since the draft was made."
    if contact.suppressed_at is not None:
        return S.SUPPRESSED, f"The contact is suppressed: {contact.suppression_reason or 'no reason given'}."
    latest = latest_snapshot_date(organization=account.organization)
    if latest and latest > draft.snapshot_date:
        return S.CANCELLED, (
            f"A newer aging report ({format_day(latest, locale=account.organization.locale)}) arrived; "
            "the next run drafts from it."
        )
    numbers = [line["invoice_no"] for line in draft.facts.get("invoices", [])]
    current = {i.invoice_no: i for i in account.invoices.filter(invoice_no__in=numbers)}
    for line in draft.facts.get("invoices", []):
        invoice = current.get(line["invoice_no"])
        if invoice is None or invoice.closed_at is not None:
            return S.CANCELLED, f"Invoice {line['invoice_no']} was paid since the draft was made."
        if invoice.is_disputed:
            return S.CANCELLED, f"Invoice {line['invoice_no']} was disputed since the draft was made."
        if str(invoice.total_outstanding) != line["outstanding"]:
            return S.CANCELLED, f"The balance of invoice {line['invoice_no']} changed since the draft was made."
    # An overdue invoice the email does not know of (one that came back after being paid): the figures moved in
    # a way no payment explains, and the email would ask for too little.
    known = {line["invoice_no"] for key in ("invoices", "credits", "coming_due") for line in draft.facts.get(key, [])}
    returned = (
        account.invoices.filter(closed_at__isnull=True, is_disputed=False, total_outstanding__gt=0, kind="invoice")
        .filter(Q(due_date__lt=today) | Q(due_date__isnull=True, invoice_date__lt=today))
        .exclude(invoice_no__in=known)
        .values_list("invoice_no", flat=True)
        .first()
    )
    if returned and draft.facts.get("invoices"):
        return S.NEEDS_REVIEW, f"Held: invoice {returned} is open and overdue but was not when the email was written."
    return None


def draft_send(*, draft_id: int, final_attempt: bool = True) -> EmailDraft:
    """Send a queued draft once. Raises SendTransient (when not the final attempt) for the task to retry."""
    if EmailDraft.objects.filter(pk=draft_id).exclude(status=S.QUEUED).exists():
        return EmailDraft.objects.get(pk=draft_id)  # a redelivered task: not even a rate-limit slot
    try:
        ses_client_ready()  # built before the slot: building a boto3 client takes longer than a slot
        slot = send_slot_reserve()
    except Exception as exc:  # nothing was committed or sent: the draft stays queued
        raise SendTransient(f"Not ready to send: {type(exc).__name__}: {exc}"[:500]) from exc
    # Wait for the slot while the draft is still queued: a worker killed while waiting leaves nothing "sending"
    # that SES never saw (its task is delivered again); after "sending" commits, only SES is called.
    send_slot_wait_until(slot)
    with transaction.atomic():
        draft = _locked(draft_id)
        if draft.status != S.QUEUED:
            return draft  # sent, being sent, or taken out of the queue: nothing to do
        problem = draft_recheck(draft)
        if problem is not None:
            return draft_transition(draft, problem[0], reason=problem[1])
        # Everything the message needs is read now: after "sending" commits, only SES is called.
        collection = collection_settings_get(organization=draft.account.organization)
        draft.cc_emails = list(draft.account.contacts.exclude(email="").exclude(email=draft.recipient_email)
                               .filter(suppressed_at__isnull=True).values_list("email", flat=True))  # fmt: skip
        draft_transition(draft, S.SENDING, sending_started_at=timezone.now())

    try:
        message_id = ses_send(draft=draft, collection=collection)
    except SendTransient as exc:
        if final_attempt:
            return _settle(draft_id, S.FAILED, reason=f"Gave up after retries: {exc}"[:500])
        _settle(draft_id, S.QUEUED, reason=f"Will retry: {exc}"[:500])
        raise
    except SendPermanent as exc:
        return _settle(draft_id, S.FAILED, reason=str(exc))
    except SendAmbiguous as exc:
        return _settle(draft_id, S.UNKNOWN, reason=f"{exc}. Check SES before sending again.")
    try:
        return _settle(draft_id, S.SENT, ses_message_id=message_id, sent_at=timezone.now())
    except Exception:
        # SES has it but the database would not take it: keep the id where the reconciler looks first.
        logger.error("draft %s was accepted by SES as %s but could not be marked sent", draft_id, message_id)
        with contextlib.suppress(Exception):  # Redis away too: the SES events still settle it
            cache.set(SENT_ID_KEY.format(draft_id), message_id, timeout=7 * 86400)
        raise


def _settle(draft_id: int, to: str, **fields) -> EmailDraft:
    """The outcome of an SES call, written in its own short transaction with retries on a fresh connection."""

    def write() -> EmailDraft:
        draft = _locked(draft_id)
        if draft.status != S.SENDING:
            return draft  # already settled from SES's events
        return draft_transition(draft, to, **fields)

    return atomic_with_retries(write)


def draft_mark_sent_by_ses(*, draft_id: int, message_id: str, how: str) -> bool:
    """SES says it accepted the draft (its event, or the id we kept when the database was away): a draft
    still ``sending`` or ``unknown`` becomes ``sent``. True when it changed."""
    with transaction.atomic():
        draft = _locked(draft_id)
        if draft.status not in (S.SENDING, S.UNKNOWN):
            return False
        draft_transition(draft, S.SENT, reason=f"Sent (confirmed by {how}).", ses_message_id=message_id,
                         sent_at=draft.sending_started_at or timezone.now())  # fmt: skip
        return True


def drafts_reconcile_sending(*, now: datetime.datetime | None = None) -> int:
    """Drafts stuck in ``sending`` (a worker died after calling SES, or could not write the answer) are
    settled from what SES told us - the id kept aside, or a send/delivery event naming the draft - and
    otherwise become ``unknown`` for a person."""
    from ..models import DeliveryEvent

    now = now or timezone.now()
    stale_before = now - datetime.timedelta(minutes=settings.SEND_STALE_MINUTES)
    moved = 0
    for pk in EmailDraft.objects.filter(status=S.SENDING, sending_started_at__lt=stale_before).values_list(
        "pk", flat=True
    ):
        kept = cache.get(SENT_ID_KEY.format(pk))
        event = DeliveryEvent.objects.filter(draft_id=pk).exclude(ses_message_id="").first()
        if kept or event:
            draft_mark_sent_by_ses(draft_id=pk, message_id=kept or event.ses_message_id, how="SES")
            continue
        with transaction.atomic():
            draft = _locked(pk)
            if draft.status == S.SENDING:
                draft_transition(draft, S.UNKNOWN, reason="Sending did not finish: check SES before sending again.")
                moved += 1
    return moved


@transaction.atomic
def draft_resolve_unknown(*, draft: EmailDraft, actor, was_sent: bool, message_id: str = "") -> EmailDraft:
    """A person says what happened to a draft whose sending is unknown (the worker died mid-send)."""
    draft = _locked(draft.pk)
    if draft.status != S.UNKNOWN:  # a draft still sending must not be declared sent under the worker's feet
        raise StateConflict(
            f"Only a draft whose sending is unknown is resolved; this one is {draft.get_status_display()}."
        )
    if was_sent:
        return draft_transition(draft, S.SENT, actor=actor, reason="Confirmed sent by a person.",
                                ses_message_id=message_id or draft.ses_message_id, sent_at=timezone.now())  # fmt: skip
    return draft_transition(draft, S.FAILED, actor=actor, reason="Confirmed not sent by a person.")


@transaction.atomic
def draft_retry(*, draft: EmailDraft, actor) -> EmailDraft:
    """A person sends a failed draft again."""
    draft = _locked(draft.pk)
    if draft.status != S.FAILED:  # approved drafts are sent by themselves; anything else was never refused
        raise StateConflict(f"Only a failed draft is sent again by hand; this one is {draft.get_status_display()}.")
    queue_for_sending(draft, actor=actor)
    return draft
