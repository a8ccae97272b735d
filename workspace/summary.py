"""Where an account stands, for the top of its page: what it owes and how overdue, how far escalation has gone,
the last email and the next one, and what holds it back, in the words of escalation.holds and escalation.degree.

The who-is-due rules run for this one account (escalation.degree.accounts_due with its id), so the page says exactly
what the next run would do with it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.formatting import format_day
from accounts.models import Account
from escalation.degree import Skip, accounts_due
from escalation.holds import open_promise, promise_reason, stale_report_reason
from escalation.models import EmailDraft
from invoices.aging import BUCKET_LABELS

UNSENT = (EmailDraft.Status.GENERATING, EmailDraft.Status.NEEDS_REVIEW, EmailDraft.Status.APPROVED,
          EmailDraft.Status.QUEUED)  # fmt: skip


@dataclass
class AccountSummary:
    balance: Decimal
    overdue: Decimal  # what the emails ask for: overdue invoices less credits
    buckets: list[tuple[str, Decimal]]  # (label, open balance) of the latest report, oldest bucket last
    degree: int
    email_degree: int
    days_overdue: int
    escalation: str  # "Active", or what holds it: "Paused", "Held: promise to pay ..."
    held: bool
    holds: list[str] = field(default_factory=list)  # every reason, most important first
    last_email: EmailDraft | None = None
    next_draft: EmailDraft | None = None  # drafted, not sent yet
    next_email: str = ""  # the next planned email, in words
    disputed_invoices: int = 0
    stale: str | None = None


def account_summary(*, account: Account, invoices, on_date: datetime.date) -> AccountSummary:
    """``invoices``: the account's invoices with their latest buckets (invoices.selectors, as the page lists them)."""
    organization = account.organization
    locale = organization.locale
    open_invoices = [invoice for invoice in invoices if invoice.closed_at is None]
    buckets = [
        (label, sum((getattr(i, f"latest_{name}") or Decimal(0) for i in open_invoices), Decimal("0.00")))
        for name, label in BUCKET_LABELS.items()
    ]
    report = accounts_due(organization=organization, on_date=on_date, account_ids=[account.pk])
    item = next(iter([*report.due, *report.skipped]), None)
    summary = AccountSummary(
        balance=sum((i.total_outstanding for i in open_invoices), Decimal("0.00")),
        overdue=item.total_due if item else Decimal("0.00"),
        buckets=buckets,
        degree=item.degree if item else 0,
        email_degree=item.email_degree if item else 0,
        days_overdue=item.oldest_days_overdue if item else 0,
        escalation="Active",
        held=False,
        disputed_invoices=sum(1 for i in open_invoices if i.is_disputed),
        stale=stale_report_reason(organization=organization, snapshot_date=report.snapshot_date, on_date=on_date),
    )
    drafts = EmailDraft.objects.filter(account=account)
    summary.last_email = drafts.filter(status=EmailDraft.Status.SENT).order_by("-sent_at").first()
    summary.next_draft = drafts.filter(status__in=UNSENT).order_by("-created_at").first()

    if account.escalation_paused:
        summary.holds.append(Skip.PAUSED)
    if promise := open_promise(account=account, on_date=on_date):
        summary.holds.append(promise_reason(promise, organization=organization))
    owing = [i for i in open_invoices if i.total_outstanding > 0]
    if owing and all(i.is_disputed for i in owing):  # also while paused, which who-is-due would name first
        summary.holds.append(Skip.ALL_DISPUTED)
    if summary.holds:
        summary.held = True
        summary.escalation = "Paused" if account.escalation_paused else f"Held: {summary.holds[0]}"

    if summary.next_draft is not None:
        draft = summary.next_draft
        summary.next_email = f"Level {draft.degree} email drafted, {draft.get_status_display().lower()}"
    elif item is None:
        summary.next_email = "None: nothing in the latest aging report"
    elif item in report.due:
        summary.next_email = f"Level {item.email_degree} email at the next run (due now)"
    elif summary.held:
        resumes = f", after {format_day(item.next_on - datetime.timedelta(days=1), locale=locale)}" if (
            item.next_on and item.reason.startswith(Skip.PROMISED)) else ""  # fmt: skip
        summary.next_email = f"None while held{resumes}"
    elif item.next_on:
        summary.next_email = f"Level {item.email_degree} email on {format_day(item.next_on, locale=locale)}"
    else:
        summary.next_email = f"None: {item.reason[0].lower()}{item.reason[1:]}"
    return summary
