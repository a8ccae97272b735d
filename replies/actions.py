"""What a collector does with a reply, through the services that already exist (promise_record,
invoice_set_disputed, contact_create / contact_update, account_update). Nothing but the pause happens without a
person; every action is on the account's timeline and in the audit log as "reply.answered"."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_update, audit_event_record, contact_create, contact_update
from escalation.services import promise_record
from finemanwest.conflicts import StateConflict
from invoices.services import invoice_set_disputed

from .models import InboundMessage

S = InboundMessage.Status


def _locked(inbound: InboundMessage) -> InboundMessage:
    current = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if current.status != S.OPEN:
        raise StateConflict("This reply was answered already.")
    return InboundMessage.objects.select_related("account__organization").get(pk=inbound.pk)


def _account(inbound: InboundMessage) -> Account:
    if inbound.account_id is None:
        raise StateConflict("This reply is not matched to an account yet: assign it first.")
    return inbound.account


def reply_resume_default(*, inbound: InboundMessage) -> bool:
    """Resume when answered? Yes when a reply paused the account; no when a person had paused it before."""
    if inbound.account_id is None or not inbound.account.escalation_paused:
        return False
    return InboundMessage.objects.filter(account_id=inbound.account_id, paused_account=True).exists()


def _answer(inbound: InboundMessage, *, actor, outcome: str, resume: bool) -> InboundMessage:
    InboundMessage.objects.filter(pk=inbound.pk).update(status=S.ANSWERED, answered_by=actor,
                                                        answered_at=timezone.now(), outcome=outcome[:500])  # fmt: skip
    resumed = False
    if inbound.account_id is not None:
        account = Account.objects.select_for_update().get(pk=inbound.account_id)
        still_open = InboundMessage.objects.filter(account=account, status=S.OPEN).exclude(pk=inbound.pk).exists()
        if resume and account.escalation_paused and not still_open:
            account_update(account=account, actor=actor, escalation_paused=False)
            resumed = True
        reason = outcome + (" Escalation resumed." if resumed else "")
        audit_event_record(organization=account.organization, action="reply.answered", obj=account, actor=actor,
                           payload={"reply_id": inbound.pk, "reason": reason, "resumed": resumed})  # fmt: skip
    inbound.refresh_from_db()
    return inbound


@transaction.atomic
def reply_record_promise(*, inbound: InboundMessage, actor, promised_date: datetime.date, amount: Decimal,
                         resume: bool = True) -> InboundMessage:  # fmt: skip
    inbound = _locked(inbound)
    account = _account(inbound)
    promise_record(account=account, actor=actor, promised_date=promised_date, amount=amount)
    outcome = f"Promise to pay recorded from the reply: {amount} {account.currency} by {promised_date.isoformat()}."
    return _answer(inbound, actor=actor, outcome=outcome, resume=resume)


@transaction.atomic
def reply_open_dispute(*, inbound: InboundMessage, actor, invoice_nos: list[str], reason: str,
                       resume: bool = True) -> InboundMessage:  # fmt: skip
    inbound = _locked(inbound)
    account = _account(inbound)
    invoices = list(account.invoices.filter(invoice_no__in=invoice_nos, closed_at=None))
    if not invoices:
        raise ValidationError("Choose at least one open invoice of this account to dispute.")
    for invoice in invoices:
        invoice_set_disputed(invoice=invoice, disputed=True, actor=actor, reason=reason or "Disputed in a reply")
    numbers = ", ".join(invoice.invoice_no for invoice in invoices)
    return _answer(inbound, actor=actor, outcome=f"Dispute opened from the reply: {numbers}.", resume=resume)


@transaction.atomic
def reply_replace_contact(*, inbound: InboundMessage, actor, email: str, first_name: str = "", last_name: str = "",
                          resume: bool = True) -> InboundMessage:  # fmt: skip
    inbound = _locked(inbound)
    account = _account(inbound)
    email = email.strip().lower()
    existing = account.contacts.filter(email__iexact=email).first()
    if existing is not None:
        contact_update(contact=existing, actor=actor, is_billing=True)
    else:
        contact_create(account=account, actor=actor, email=email, first_name=first_name.strip(),
                       last_name=last_name.strip(), is_billing=True)  # fmt: skip
    return _answer(inbound, actor=actor, outcome=f"Billing contact replaced from the reply: {email}.", resume=resume)


@transaction.atomic
def reply_mark_answered(*, inbound: InboundMessage, actor, resume: bool = True, note: str = "") -> InboundMessage:
    inbound = _locked(inbound)
    outcome = "Marked answered" + (f": {note.strip()[:300]}" if note.strip() else ".")
    return _answer(inbound, actor=actor, outcome=outcome, resume=resume)


@transaction.atomic
def reply_assign(*, inbound: InboundMessage, actor, account: Account) -> InboundMessage:
    """File an unmatched reply on an account (of the reply's organization, when it has one): it pauses it."""
    from .receiving import reply_pause

    inbound = _locked(inbound)
    if inbound.organization_id not in (None, account.organization_id):
        raise ValidationError("That account belongs to another organization.")
    InboundMessage.objects.filter(pk=inbound.pk).update(organization=account.organization, account=account,
                                                        reading={}, reading_source="")  # fmt: skip
    inbound.refresh_from_db()
    reply_pause(inbound, actor=actor)
    reason = "An unmatched reply was filed on this account."
    audit_event_record(organization=account.organization, action="reply.assigned", obj=account, actor=actor,
                       payload={"reply_id": inbound.pk, "reason": reason})  # fmt: skip
    from .tasks import inbound_read_task

    transaction.on_commit(lambda: inbound_read_task.delay(inbound.pk))
    return inbound
