"""Today's worklist: every account with something overdue, what to do next about it and when, in the order to do it.

It is built from one who-is-due report (escalation.degree.accounts_due, a fixed number of queries however many
accounts) and four aggregate queries of its own (last email sent, latest promise, drafts waiting for review,
disputed invoices), so the page's query count does not grow with the number of accounts.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, QuerySet

from accounts.models import Account, Organization
from escalation.degree import Skip, accounts_due
from escalation.models import EmailDraft, PromiseToPay
from invoices.models import Invoice

# Held back on purpose: a person decided (pause, promise) or the customer contests every invoice.
HELD = (Skip.PAUSED, Skip.PROMISED, Skip.ALL_DISPUTED)
# Nothing to chase: not overdue, or too little by the organization's own rules.
NOTHING_TO_DO = (Skip.NOTHING_OVERDUE, Skip.UNDER_TOLERANCE, Skip.BELOW_LEVEL_MINIMUM)

SORTS = {
    "rank": "Rank (broken promises, then amount and age)",
    "amount": "Overdue amount",
    "age": "Days overdue",
    "name": "Account name",
    "last_contact": "Last contact (longest ago first)",
    "next": "Next step date",
}
STATES = {
    "today": "Something to do today",
    "later": "Waiting for a date",
    "broken": "Broken promise",
}


@dataclass(slots=True)
class WorkItem:
    account_id: int
    account_name: str
    client_id: str
    currency: str
    degree: int
    email_degree: int
    days_overdue: int
    total_due: Decimal  # overdue, net of credits, as the emails ask for it
    reason: str  # why it is due or held, in the words of escalation.degree / escalation.holds
    next_step: str
    next_on: datetime.date | None  # None: no date (it waits for a person or a newer report)
    last_contact: datetime.datetime | None  # the last email sent
    promised_until: datetime.date | None  # the latest promise's date
    broken_promise: bool
    disputed_invoices: int
    draft_to_review: int | None
    held: bool
    paused: bool


@dataclass
class Worklist:
    on_date: datetime.date
    snapshot_date: datetime.date | None
    to_act: list[WorkItem]
    held: list[WorkItem]


def _next_step(reason: str, *, email_degree: int, draft_to_review: int | None) -> str:
    if reason.startswith(Skip.PAUSED):
        return "Resume escalation when the reason for the pause is over"
    if reason.startswith(Skip.PROMISED):
        return "Escalation resumes after the promised date"
    if reason.startswith(Skip.ALL_DISPUTED):
        return "Resolve the disputes"
    if reason.startswith(Skip.NO_CONTACT):
        return "Add a billing contact with an email address"
    if reason.startswith(Skip.SUPPRESSED):
        return "Find another billing contact"
    if reason.startswith(Skip.NO_TEMPLATE):
        return f"An AR admin activates a template for level {email_degree}"
    if reason.startswith(Skip.ALREADY_DRAFTED):
        return "Review the draft" if draft_to_review else "Emailed for this report: wait for a newer one"
    if reason.startswith(Skip.COOLDOWN):
        return f"Level {email_degree} email after the cooldown"
    return f"Draft the level {email_degree} email"


def worklist_build(
    *, organization: Organization, on_date: datetime.date, accounts: QuerySet[Account] | None = None
) -> Worklist:
    """The worklist of ``organization`` on ``on_date``, ranked: broken promises first, then the overdue amount and
    the age. ``accounts``: only these (a filtered queryset of the organization's accounts)."""
    report = accounts_due(organization=organization, on_date=on_date)
    allowed = set(accounts.values_list("pk", flat=True)) if accounts is not None else None
    meta = {
        pk: (currency, paused)
        for pk, currency, paused in Account.objects.filter(organization=organization)
        .values_list("pk", "currency", "escalation_paused")
        .order_by()
    }
    drafts = EmailDraft.objects.filter(organization=organization).order_by().values("account_id")
    last_sent = dict(
        drafts.filter(status=EmailDraft.Status.SENT).annotate(at=Max("sent_at")).values_list("account_id", "at")
    )
    to_review = dict(
        drafts.filter(status=EmailDraft.Status.NEEDS_REVIEW).annotate(pk=Min("pk")).values_list("account_id", "pk")
    )
    promised = dict(
        PromiseToPay.objects.filter(organization=organization)
        .order_by()
        .values("account_id")
        .annotate(until=Max("promised_date"))
        .values_list("account_id", "until")
    )
    disputed = dict(
        Invoice.objects.filter(organization=organization, closed_at__isnull=True, is_disputed=True)
        .order_by()
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
    )
    worklist = Worklist(on_date=on_date, snapshot_date=report.snapshot_date, to_act=[], held=[])
    rows = [(due, due.email_degree, on_date) for due in report.due]
    rows += [
        (skip, skip.email_degree, skip.next_on) for skip in report.skipped if not skip.reason.startswith(NOTHING_TO_DO)
    ]
    for item, email_degree, next_on in rows:
        if allowed is not None and item.account_id not in allowed:
            continue
        currency, paused = meta[item.account_id]
        until, sent_at = promised.get(item.account_id), last_sent.get(item.account_id)
        held = item.reason.startswith(HELD)
        # A promise is broken when its date has passed, the account still owes something overdue, and nobody has
        # emailed since (once somebody has followed it up, it stops topping the list).
        broken = (
            until is not None
            and until < on_date
            and item.total_due > 0
            and (sent_at is None or sent_at.date() <= until)
        )
        review = to_review.get(item.account_id)
        work = WorkItem(
            account_id=item.account_id, account_name=item.account_name, client_id=item.client_id, currency=currency,
            degree=item.degree, email_degree=email_degree, days_overdue=item.oldest_days_overdue,
            total_due=item.total_due, reason=item.reason,
            next_step=_next_step(item.reason, email_degree=email_degree, draft_to_review=review),
            next_on=next_on if not (held and next_on is None) else None, last_contact=sent_at, promised_until=until,
            broken_promise=broken and not held, disputed_invoices=disputed.get(item.account_id, 0),
            draft_to_review=review, held=held, paused=paused,
        )  # fmt: skip
        (worklist.held if held else worklist.to_act).append(work)
    worklist.to_act.sort(key=rank_key)
    worklist.held.sort(key=rank_key)
    return worklist


def rank_key(item: WorkItem):
    return (not item.broken_promise, -item.total_due, -item.days_overdue, item.account_name, item.account_id)


_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)
_FAR = datetime.date.max
SORT_KEYS = {
    "rank": rank_key,
    "amount": lambda i: (-i.total_due, i.account_name),
    "age": lambda i: (-i.days_overdue, i.account_name),
    "name": lambda i: (i.account_name.casefold(), i.account_id),
    "last_contact": lambda i: (i.last_contact or _NEVER, i.account_name),
    "next": lambda i: (i.next_on or _FAR, i.account_name),
}


def worklist_filter(
    items: list[WorkItem], *, on_date: datetime.date, degree: int | None = None, state: str = "", sort: str = "rank"
) -> list[WorkItem]:
    """The rows that pass the filters computed per account (degree, state), in the order asked for."""
    if degree is not None:
        items = [i for i in items if i.degree == degree]
    if state == "broken":
        items = [i for i in items if i.broken_promise]
    elif state == "today":
        items = [i for i in items if i.next_on is not None and i.next_on <= on_date]
    elif state == "later":
        items = [i for i in items if i.next_on is None or i.next_on > on_date]
    return sorted(items, key=SORT_KEYS.get(sort, rank_key))
