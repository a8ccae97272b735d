"""The facts of one draft: everything an email may say, taken from the ledger and nothing else.

``EmailFacts`` is the one typed object passed between the writers, the renderer, the checks and the re-check at
send time. It is stored on the draft as JSON (``as_dict()``; money as strings with two decimals, dates ISO) so a
draft always shows what it was written from, and read back with ``EmailFacts.from_dict``.

What the email asks for is split by construction:

* ``overdue`` - open, undisputed invoices past their due date: these are asked for (stored as ``"invoices"``);
* ``coming_due`` - open invoices not yet due: mentioned only as upcoming, never at degree 3 and above;
* ``credits`` - credit notes and unapplied payments (negative outstanding): they reduce what is asked for.

``total_due`` = overdue + credits. Disputed invoices are never facts: they are neither asked for nor counted.
Text from imported files (names) is data here, never instructions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Account, Contact
from invoices.models import Invoice

from ..models import EmailDraft
from ..policies import collection_settings_get

REPLY_DAYS_BY_DEGREE = {1: 14, 2: 10, 3: 7, 4: 10, 5: 10}
CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class InvoiceFact:
    invoice_no: str
    invoice_date: datetime.date | None
    due_date: datetime.date | None
    amount: Decimal
    outstanding: Decimal
    days_overdue: int = 0

    def as_dict(self) -> dict:
        return {
            "invoice_no": self.invoice_no,
            "invoice_date": self.invoice_date.isoformat() if self.invoice_date else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "amount": _money(self.amount),
            "outstanding": _money(self.outstanding),
            "days_overdue": self.days_overdue,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> InvoiceFact:
        return cls(
            invoice_no=str(data.get("invoice_no", "")),
            invoice_date=_date(data.get("invoice_date")),
            due_date=_date(data.get("due_date")),
            amount=Decimal(str(data.get("amount") or "0")),
            outstanding=Decimal(str(data.get("outstanding") or data.get("amount") or "0")),
            days_overdue=int(data.get("days_overdue") or 0),
        )


@dataclass(frozen=True)
class SentEmailFact:
    """An email of this account that was actually sent: the only ground for "as we wrote on ..."."""

    date: datetime.date
    degree: int
    subject: str = ""

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "degree": self.degree, "subject": self.subject}


@dataclass(frozen=True)
class PromiseFact:
    """A promise to pay that was broken: the next email may say so, because the ledger shows it."""

    promised_date: datetime.date
    amount: Decimal

    def as_dict(self) -> dict:
        return {"promised_date": self.promised_date.isoformat(), "amount": _money(self.amount)}


@dataclass(frozen=True)
class OrganizationFacts:
    name: str
    sender_name: str
    signature: str = ""
    payment_instructions: str = ""
    payment_link: str = ""
    locale: str = "en-US"

    def as_dict(self) -> dict:
        return {
            "name": self.name, "sender_name": self.sender_name, "signature": self.signature,
            "payment_instructions": self.payment_instructions, "payment_link": self.payment_link,
            "locale": self.locale,
        }  # fmt: skip


@dataclass(frozen=True)
class EmailFacts:
    organization: OrganizationFacts
    account_name: str
    client_id: str
    currency: str
    as_of: datetime.date
    today: datetime.date
    degree: int
    reply_by: datetime.date
    overdue: tuple[InvoiceFact, ...] = ()
    coming_due: tuple[InvoiceFact, ...] = ()
    credits: tuple[InvoiceFact, ...] = ()
    contact_first_name: str = ""
    contact_last_name: str = ""
    previous_emails: tuple[SentEmailFact, ...] = ()
    broken_promise: PromiseFact | None = None
    extra: dict = field(default_factory=dict, compare=False)

    # --- derived figures (one definition each) ---------------------------------------------------------------

    @property
    def total_overdue(self) -> Decimal:
        return sum((line.outstanding for line in self.overdue), Decimal("0.00"))

    @property
    def total_credits(self) -> Decimal:
        return sum((line.outstanding for line in self.credits), Decimal("0.00"))

    @property
    def total_due(self) -> Decimal:
        """What the email asks for: the overdue invoices less the credits."""
        return self.total_overdue + self.total_credits

    @property
    def total_coming_due(self) -> Decimal:
        return sum((line.outstanding for line in self.coming_due), Decimal("0.00"))

    @property
    def oldest_days_overdue(self) -> int:
        return max((line.days_overdue for line in self.overdue), default=0)

    @property
    def oldest_due_date(self) -> datetime.date | None:
        return min((line.due_date for line in self.overdue if line.due_date), default=None)

    @property
    def contact_full_name(self) -> str:
        return " ".join(part for part in (self.contact_first_name, self.contact_last_name) if part)

    @property
    def last_sent(self) -> SentEmailFact | None:
        return max(self.previous_emails, key=lambda email: email.date, default=None)

    # --- stored form -----------------------------------------------------------------------------------------

    def as_dict(self) -> dict:
        return {
            "organization": self.organization.as_dict(),
            "account": {"name": self.account_name, "client_id": self.client_id},
            "contact": {"first_name": self.contact_first_name, "last_name": self.contact_last_name,
                        "full_name": self.contact_full_name},
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "today": self.today.isoformat(),
            "degree": self.degree,
            "total_overdue": _money(self.total_overdue),
            "total_due": _money(self.total_due),
            "invoices": [line.as_dict() for line in self.overdue],
            "coming_due": [line.as_dict() for line in self.coming_due],
            "credits": [line.as_dict() for line in self.credits],
            "oldest_days_overdue": self.oldest_days_overdue,
            "oldest_due_date": self.oldest_due_date.isoformat() if self.oldest_due_date else None,
            "reply_by": self.reply_by.isoformat(),
            "previous_emails": [email.as_dict() for email in self.previous_emails],
            "broken_promise": self.broken_promise.as_dict() if self.broken_promise else None,
            **self.extra,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping) -> EmailFacts:
        """Read stored facts back (older drafts lack the newer keys: they read as empty)."""
        organization = data.get("organization") or {}
        account = data.get("account") or {}
        contact = data.get("contact") or {}
        promise = data.get("broken_promise")
        as_of = _date(data.get("as_of")) or datetime.date.min
        return cls(
            organization=OrganizationFacts(
                name=organization.get("name", ""), sender_name=organization.get("sender_name", ""),
                signature=organization.get("signature", ""),
                payment_instructions=organization.get("payment_instructions", ""),
                payment_link=organization.get("payment_link", ""), locale=organization.get("locale", "en-US"),
            ),
            account_name=account.get("name", ""), client_id=account.get("client_id", ""),
            currency=data.get("currency", ""), as_of=as_of, today=_date(data.get("today")) or as_of,
            degree=int(data.get("degree") or 1), reply_by=_date(data.get("reply_by")) or as_of,
            overdue=tuple(InvoiceFact.from_dict(line) for line in data.get("invoices") or []),
            coming_due=tuple(InvoiceFact.from_dict(line) for line in data.get("coming_due") or []),
            credits=tuple(InvoiceFact.from_dict(line) for line in data.get("credits") or []),
            contact_first_name=contact.get("first_name", ""), contact_last_name=contact.get("last_name", ""),
            previous_emails=tuple(
                SentEmailFact(date=day, degree=int(email.get("degree") or 0), subject=email.get("subject", ""))
                for email in data.get("previous_emails") or []
                if (day := _date(email.get("date"))) is not None
            ),
            broken_promise=PromiseFact(promised_date=_date(promise["promised_date"]),
                                       amount=Decimal(str(promise["amount"])))
            if promise else None,
        )  # fmt: skip


def facts_of(value: EmailFacts | Mapping) -> EmailFacts:
    """Stored JSON or typed facts, as typed facts (drafts written before the typed facts are still checked)."""
    return value if isinstance(value, EmailFacts) else EmailFacts.from_dict(value)


# --- building the facts from the ledger --------------------------------------------------------------------------


def split_invoices(
    invoices: Iterable[Invoice], *, today: datetime.date
) -> tuple[list[InvoiceFact], list[InvoiceFact], list[InvoiceFact]]:
    """``(overdue, coming_due, credits)`` of open, undisputed invoices - the one definition of "overdue".

    An invoice is overdue once its due date is before today (no due date: due on its invoice date). Unapplied
    payments are credits; unapplied debits are not asked for.
    """
    overdue, coming_due, credits = [], [], []
    for invoice in invoices:
        due = invoice.due_date or invoice.invoice_date
        days = max((today - due).days, 0) if due else 0
        line = InvoiceFact(
            invoice_no=invoice.invoice_no, invoice_date=invoice.invoice_date, due_date=invoice.due_date,
            amount=invoice.invoice_amount, outstanding=invoice.total_outstanding, days_overdue=days,
        )  # fmt: skip
        if invoice.total_outstanding < 0:  # credit notes and unapplied payments lower what is asked for
            credits.append(InvoiceFact(**{**line.__dict__, "days_overdue": 0}))
        elif invoice.total_outstanding == 0 or invoice.kind == Invoice.Kind.UNAPPLIED:
            continue  # an unapplied debit (a journal entry without a number) is never chased as an invoice
        elif days > 0:
            overdue.append(line)
        else:
            coming_due.append(line)
    return overdue, coming_due, credits


def draft_facts(draft: EmailDraft, *, today: datetime.date | None = None) -> EmailFacts:
    return account_facts(
        account=draft.account, contact=draft.contact, snapshot_date=draft.snapshot_date, degree=draft.degree,
        today=today, exclude_draft_id=draft.pk,
    )  # fmt: skip


def account_facts(
    *,
    account: Account,
    contact: Contact | None,
    snapshot_date: datetime.date,
    degree: int,
    today: datetime.date | None = None,
    exclude_draft_id: int | None = None,
) -> EmailFacts:
    today = today or timezone.localdate()
    settings = collection_settings_get(organization=account.organization)
    invoices = (
        Invoice.objects.filter(
            account=account, closed_at__isnull=True, is_disputed=False, snapshots__snapshot_date=snapshot_date
        )
        .order_by("due_date", "invoice_date", "invoice_no")
        .distinct()
    )
    overdue, coming_due, credits = split_invoices(invoices, today=today)
    previous = (
        EmailDraft.objects.filter(account=account, status=EmailDraft.Status.SENT, sent_at__isnull=False)
        .exclude(pk=exclude_draft_id)
        .order_by("sent_at")
        .values_list("sent_at", "degree", "subject")
    )
    organization = account.organization
    sent = [
        SentEmailFact(date=timezone.localdate(at), degree=level, subject=subject) for at, level, subject in previous
    ]
    return EmailFacts(
        organization=OrganizationFacts(
            name=organization.name, sender_name=settings.sender_name or organization.name,
            signature=settings.signature, payment_instructions=settings.payment_instructions,
            payment_link=settings.payment_link, locale=organization.locale,
        ),
        account_name=account.account_name, client_id=account.client_id, currency=account.currency,
        as_of=snapshot_date, today=today, degree=degree,
        reply_by=today + datetime.timedelta(days=REPLY_DAYS_BY_DEGREE[degree]),
        overdue=tuple(overdue), credits=tuple(credits),
        # Invoices not yet due are mentioned only at degrees 1 and 2: from degree 3 on they are not facts at all.
        coming_due=tuple(coming_due) if degree < 3 else (),
        contact_first_name=contact.first_name if contact else "",
        contact_last_name=contact.last_name if contact else "",
        previous_emails=tuple(sent),
        broken_promise=broken_promise(account=account, today=today, last_sent=sent[-1].date if sent else None),
    )  # fmt: skip


def broken_promise(*, account: Account, today: datetime.date, last_sent: datetime.date | None) -> PromiseFact | None:
    """The account's latest promise to pay that the reports show broken, unless an email already said so."""
    from ..selectors import PromiseState, account_promises

    for standing in account_promises(account=account, today=today, limit=3):
        if standing.state == PromiseState.BROKEN:
            promise = standing.promise
            if last_sent is None or last_sent <= promise.promised_date:
                return PromiseFact(promised_date=promise.promised_date, amount=promise.amount)
            return None
        if standing.state == PromiseState.OPEN:
            return None
    return None
