"""Who is due, and why: the degree of every account of an organization, from its latest aging snapshot.

The heavy lifting is one aggregate query over the open invoices the latest snapshot lists (totals and
oldest due date per account, disputed and undisputed invoices apart; each invoice knows the date of its
newest snapshot, so no snapshot row is read), plus one for the worst bucket of the few invoices without a
due date. The per-account arithmetic then runs over those few thousand aggregated rows. Every other input
(accounts, contacts, policies, templates, earlier drafts) is one query each, read as plain values rather
than model instances, so the number of queries does not grow with the number of accounts.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.formatting import format_day
from accounts.models import Account, Contact, Organization
from invoices.models import Invoice, InvoiceAgingSnapshot
from templates_app.models import EmailTemplate

from .models import AccountPolicy, EmailDraft, PolicyLevel, PromiseToPay
from .policies import collection_settings_get, escalation_policy_default

CENT = Decimal("0.01")
# Without a due date, the worst bucket gives a lower bound of how overdue the balance is.
BUCKET_RANK = {"days_31_60": 1, "days_61_90": 2, "days_91_120": 3, "days_over_120": 4}
RANK_LOWER_BOUND = {0: 0, 1: 31, 2: 61, 3: 91, 4: 121}

# Drafts that count as "an email to the account" for cooldowns and for no-skipping.
LIVE_DRAFT_STATUSES = [
    s for s in EmailDraft.Status.values if s not in (EmailDraft.Status.CANCELLED, EmailDraft.Status.FAILED)
]


class Skip:
    PAUSED = "Escalation is paused for this account"
    PROMISED = "Promised to pay"
    ALL_DISPUTED = "Every open invoice is disputed"
    NOTHING_OVERDUE = "Nothing is overdue"
    UNDER_TOLERANCE = "Balance under the small-balance tolerance"
    BELOW_LEVEL_MINIMUM = "Balance under the minimum of its degree"
    NO_TEMPLATE = "No active template for this degree"
    NO_CONTACT = "No billing contact with an email address"
    SUPPRESSED = "The billing contact is suppressed"
    ALREADY_DRAFTED = "Already has a draft for this snapshot and degree"
    COOLDOWN = "Cooldown since the last email is not over"


class Standing(NamedTuple):
    """An account's open invoices in the latest snapshot. Disputed invoices are left out of the total and the
    days overdue, unless every one of them is disputed: then the figures are the disputed ones."""

    account_id: int
    total_due: Decimal
    open_invoices: int
    disputed_invoices: int
    oldest_days_overdue: int


@dataclass(slots=True)
class DueAccount:
    account_id: int
    account_name: str
    client_id: str
    degree: int  # what the oldest balance reaches
    email_degree: int  # the level of the email to draft: lower while earlier levels were not sent (no skipping)
    oldest_days_overdue: int
    total_due: Decimal
    currency: str
    open_invoices: int
    template_id: int
    contact_id: int
    recipient_email: str
    requires_approval: bool
    reason: str


@dataclass(slots=True)
class SkippedAccount:
    account_id: int
    account_name: str
    client_id: str
    degree: int
    oldest_days_overdue: int
    total_due: Decimal
    reason: str
    email_degree: int = 0  # the level an email would be drafted at, were it not held back (0: none reached)
    next_on: datetime.date | None = None  # when the hold ends by itself (a cooldown, a promise), if it does


@dataclass
class DueReport:
    on_date: datetime.date
    snapshot_date: datetime.date | None
    due: list[DueAccount] = field(default_factory=list)
    skipped: list[SkippedAccount] = field(default_factory=list)


def account_ids_at_degree(*, organization: Organization, degree: int, on_date: datetime.date) -> set[int]:
    """The accounts (due or skipped) whose degree is ``degree`` on ``on_date``."""
    report = accounts_due(organization=organization, on_date=on_date)
    return {item.account_id for item in [*report.due, *report.skipped] if item.degree == degree}


def latest_snapshot_date(*, organization: Organization) -> datetime.date | None:
    # Newest first through the snapshot_date index, stopping at the first row of this organization.
    return (
        InvoiceAgingSnapshot.objects.filter(invoice__organization=organization)
        .order_by("-snapshot_date")
        .values_list("snapshot_date", flat=True)
        .first()
    )


def account_standings(
    *,
    organization: Organization,
    snapshot_date: datetime.date,
    on_date: datetime.date,
    account_ids: Collection[int] | None = None,
):
    """{account_id: Standing} for every account (of ``account_ids``, if given) with open invoices in the snapshot
    of ``snapshot_date``."""
    # The invoices the snapshot lists are those whose newest snapshot is of that date (it is the organization's
    # newest): no join of every snapshot row to its invoice.
    listed = Invoice.objects.filter(
        organization=organization, closed_at__isnull=True, last_snapshot_date=snapshot_date
    ).order_by()
    if account_ids is not None:
        listed = listed.filter(account_id__in=account_ids)
    # Unapplied debits (journal entries without a number) count in the balance but are never chased.
    owing = Q(total_outstanding__gt=0, kind=Invoice.Kind.INVOICE)
    # What an email may ask for: invoices past their due date (no due date: due on the invoice date, as in
    # writing.facts.split_invoices), less the credits. Invoices not yet due are owed but not asked for.
    overdue = owing & (Q(due_date__lt=on_date) | Q(due_date__isnull=True, invoice_date__lt=on_date))
    # One row per account and side of the dispute line (at most two per account), and the disputed figures for
    # accounts whose invoices are all disputed.
    rows = listed.values_list("account_id", "is_disputed").annotate(
        total=Coalesce(Sum("total_outstanding", filter=overdue), Decimal(0))
        + Coalesce(Sum("total_outstanding", filter=Q(total_outstanding__lt=0)), Decimal(0)),
        invoices=Count("id"),
        oldest_due=Min("due_date", filter=owing),
    )
    # Without a due date, the worst bucket of the snapshot gives a lower bound of how overdue an invoice is.
    worst_bucket = Case(
        *(When(**{f"{name}__gt": 0}, then=Value(rank)) for name, rank in reversed(BUCKET_RANK.items())),
        default=Value(0),
        output_field=IntegerField(),
    )
    undated = (
        InvoiceAgingSnapshot.objects.filter(
            snapshot_date=snapshot_date,
            invoice__in=listed.filter(owing, due_date__isnull=True),
        )
        .values_list("invoice__account_id", "invoice__is_disputed")
        .annotate(worst_rank=Max(worst_bucket))
        .order_by()
    )
    worst_ranks = {(account_id, is_disputed): rank for account_id, is_disputed, rank in undated}
    undisputed, disputed = {}, {}
    for account_id, is_disputed, total, invoices, oldest_due in rows:
        side = disputed if is_disputed else undisputed
        side[account_id] = (total, invoices, oldest_due, worst_ranks.get((account_id, is_disputed)))
    days_since_snapshot = (on_date - snapshot_date).days
    standings = {}
    for account_id in undisputed.keys() | disputed.keys():
        total, _, oldest_due, worst_rank = undisputed.get(account_id) or disputed[account_id]
        by_due_date = (on_date - oldest_due).days if oldest_due else 0
        by_bucket = RANK_LOWER_BOUND[worst_rank] + days_since_snapshot if worst_rank else 0
        standings[account_id] = Standing(
            account_id=account_id,
            total_due=Decimal(total or 0).quantize(CENT),
            open_invoices=undisputed[account_id][1] if account_id in undisputed else 0,
            disputed_invoices=disputed[account_id][1] if account_id in disputed else 0,
            oldest_days_overdue=max(by_due_date, by_bucket, 0),
        )
    return standings


def _levels_by_account(organization: Organization) -> tuple[dict, list[PolicyLevel], dict]:
    default_policy = escalation_policy_default(organization=organization)
    default_levels = list(default_policy.levels.order_by("degree"))
    overrides = {}
    no_skipping = {None: default_policy.no_skipping}
    for assignment in AccountPolicy.objects.filter(account__organization=organization).select_related("policy"):
        overrides[assignment.account_id] = assignment.policy
    levels_by_policy = {}
    for level in PolicyLevel.objects.filter(policy__in={p.pk for p in overrides.values()}).order_by("degree"):
        levels_by_policy.setdefault(level.policy_id, []).append(level)
    per_account = {
        account_id: (levels_by_policy.get(policy.pk, []), policy.no_skipping)
        for account_id, policy in overrides.items()
    }
    return per_account, default_levels, no_skipping


def _degree_for(days: int, levels: list[PolicyLevel]) -> PolicyLevel | None:
    reached = [level for level in levels if days >= level.min_days_overdue]
    return reached[-1] if reached else None


def accounts_due(
    *, organization: Organization, on_date: datetime.date, account_ids: Collection[int] | None = None
) -> DueReport:
    """Each account that should get an email on ``on_date`` and why, and each one skipped and why; only those of
    ``account_ids`` when given (one account's page), with the same rules."""
    snapshot_date = latest_snapshot_date(organization=organization)
    report = DueReport(on_date=on_date, snapshot_date=snapshot_date)
    if snapshot_date is None:
        return report
    settings = collection_settings_get(organization=organization)
    standings = account_standings(
        organization=organization, snapshot_date=snapshot_date, on_date=on_date, account_ids=account_ids
    )
    locale = organization.locale

    def only(queryset, field="account_id"):
        # The whole organization is filtered by organization, not by a list of thousands of ids: one indexed join
        # instead of a huge IN; a few accounts by their ids.
        return queryset if account_ids is None else queryset.filter(**{f"{field}__in": account_ids})

    accounts = {
        row[0]: row
        for row in only(Account.objects.filter(organization=organization), "pk")
        .values_list("pk", "account_name", "client_id", "currency", "escalation_paused")
        .order_by()
    }
    per_account_levels, default_levels, default_no_skipping = _levels_by_account(organization)
    templates = dict(
        EmailTemplate.objects.filter(organization=organization, is_active=True).values_list("identifier", "pk")
    )
    billing = {
        account_id: (contact_id, email, suppressed)
        for account_id, contact_id, email, suppressed in only(
            Contact.objects.filter(account__organization=organization, is_billing=True)
        )
        .annotate(suppressed=ExpressionWrapper(Q(suppressed_at__isnull=False), output_field=BooleanField()))
        .values_list("account_id", "pk", "email", "suppressed")
        .order_by()  # at most one billing contact per account
    }
    drafted = set(
        only(EmailDraft.objects.filter(organization=organization, snapshot_date=snapshot_date)).values_list(
            "account_id", "degree"
        )
    )
    promises = dict(
        only(PromiseToPay.objects.filter(organization=organization, promised_date__gte=on_date))
        .values("account_id")
        .annotate(until=Max("promised_date"))
        .values_list("account_id", "until")
    )
    history = {
        row["account_id"]: row
        for row in only(EmailDraft.objects.filter(organization=organization, status__in=LIVE_DRAFT_STATUSES))
        .values("account_id")
        .annotate(last_at=Max("created_at"), top_sent=Max("degree", filter=Q(status=EmailDraft.Status.SENT)))
    }

    for account_id, standing in sorted(standings.items(), key=lambda item: (accounts[item[0]][1], item[0])):
        _, account_name, client_id, currency, paused = accounts[account_id]
        levels, no_skipping = per_account_levels.get(account_id, (default_levels, default_no_skipping[None]))
        reached = _degree_for(standing.oldest_days_overdue, levels)
        level = reached  # the level whose email is drafted
        if level is not None and no_skipping:
            # One level above the highest email actually sent: a first email is the policy's first level.
            allowed = (history.get(account_id, {}).get("top_sent") or 0) + 1
            if level.degree > allowed:
                level = next((lv for lv in levels if lv.degree == allowed), level)
        degree = reached.degree if reached else 0  # what the account's age reaches, shown everywhere

        contact_id, email, suppressed = billing.get(account_id, (None, "", False))
        last = history.get(account_id)
        next_on = None
        if paused:
            reason = Skip.PAUSED
        elif account_id in promises:
            reason = f"{Skip.PROMISED} by {format_day(promises[account_id], locale=locale)}"
            next_on = promises[account_id] + datetime.timedelta(days=1)
        elif standing.open_invoices == 0 and standing.disputed_invoices:
            reason = Skip.ALL_DISPUTED
        elif level is None or standing.total_due <= 0:
            reason = Skip.NOTHING_OVERDUE
        elif standing.total_due < settings.small_balance_tolerance:
            reason = Skip.UNDER_TOLERANCE
        elif standing.total_due < level.min_balance:
            reason = Skip.BELOW_LEVEL_MINIMUM
        elif level.template_identifier not in templates:
            reason = f"{Skip.NO_TEMPLATE} ({level.template_identifier})"
        elif not email:
            reason = Skip.NO_CONTACT
        elif suppressed:
            reason = Skip.SUPPRESSED
        elif (account_id, level.degree) in drafted:
            reason = Skip.ALREADY_DRAFTED
        elif last and (on_date - last["last_at"].date()).days < level.cooldown_days:
            last_day = last["last_at"].date()
            reason = f"{Skip.COOLDOWN} (last email {format_day(last_day, locale=locale)}, {level.cooldown_days} days)"
            next_on = last_day + datetime.timedelta(days=level.cooldown_days)
        else:
            report.due.append(
                DueAccount(
                    account_id=account_id, account_name=account_name, client_id=client_id, degree=degree,
                    email_degree=level.degree,
                    oldest_days_overdue=standing.oldest_days_overdue, total_due=standing.total_due,
                    currency=currency, open_invoices=standing.open_invoices,
                    template_id=templates[level.template_identifier], contact_id=contact_id, recipient_email=email,
                    requires_approval=level.requires_approval or level.degree in settings.approval_required_degrees,
                    reason=f"Oldest balance {standing.oldest_days_overdue} days overdue: degree {degree}"
                    + (f"; first the level {level.degree} email (no skipped steps)" if level.degree != degree else ""),
                )
            )  # fmt: skip
            continue
        report.skipped.append(
            SkippedAccount(account_id, account_name, client_id, degree, standing.oldest_days_overdue,
                           standing.total_due, reason, level.degree if level else 0, next_on)
        )  # fmt: skip
    return report
