import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Account, Contact
from .tenancy import scoped

ZERO = Value(Decimal("0.00"))
OPEN = Q(invoices__closed_at__isnull=True)
SORTS = {
    "name": ["account_name"],
    "outstanding": [F("total_outstanding").desc(), "account_name"],
    "oldest": [F("oldest_due").asc(nulls_last=True), "account_name"],
}


def account_list(
    *,
    user,
    search: str = "",
    currency: str = "",
    paused: bool | None = None,
    disputed: bool | None = None,
    promised: bool | None = None,
    bucket: str = "",
    account_ids: set[int] | None = None,
    sort: str = "name",
    today: datetime.date | None = None,
) -> QuerySet[Account]:
    """The user's accounts with their open balance and oldest due date, filtered and sorted, in one query.

    ``bucket`` ("days_91_120", one of InvoiceAgingSnapshot.BUCKET_FIELDS): only the accounts with a balance in
    that aging bucket.
    """
    from escalation.models import PromiseToPay
    from invoices.models import Invoice

    accounts = scoped(Account.objects.all(), user).annotate(
        open_invoices=Count("invoices", filter=OPEN, distinct=True),
        total_outstanding=Coalesce(Sum("invoices__total_outstanding", filter=OPEN), ZERO),
        oldest_due=Min("invoices__due_date", filter=OPEN),
        has_dispute=Exists(Invoice.objects.filter(account=OuterRef("pk"), closed_at__isnull=True, is_disputed=True)),
        has_promise=Exists(
            PromiseToPay.objects.filter(account=OuterRef("pk"), promised_date__gte=today or datetime.date.today())
        ),
    )
    if search:
        # Each way of matching is its own subquery: one OR across the invoice and contact joins multiplied the
        # rows to search by every account's invoices.
        accounts = accounts.filter(
            Q(account_name__icontains=search)
            | Q(client_id__icontains=search)
            | Q(pk__in=Invoice.objects.filter(invoice_no__iexact=search).values("account_id"))
            | Q(pk__in=Contact.objects.filter(email__iexact=search).values("account_id"))
        )
    if currency:
        accounts = accounts.filter(currency=currency)
    if paused is not None:
        accounts = accounts.filter(escalation_paused=paused)
    if disputed is not None:
        accounts = accounts.filter(has_dispute=disputed)
    if promised is not None:
        accounts = accounts.filter(has_promise=promised)
    if bucket:
        accounts = accounts.filter(pk__in=_accounts_with_balance_in(bucket, user=user))
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    return accounts.order_by(*SORTS.get(sort, SORTS["name"]))


def _accounts_with_balance_in(bucket: str, *, user) -> QuerySet:
    """The ids of the user's accounts whose open invoices add up to more than zero in ``bucket``, each invoice as
    of its own latest snapshot (``Invoice.last_snapshot_date``), so an open invoice that a partial report left
    out still counts."""
    from invoices.models import Invoice, InvoiceAgingSnapshot

    if bucket not in InvoiceAgingSnapshot.BUCKET_FIELDS:
        raise ValueError(f"Unknown aging bucket {bucket!r}.")
    # Only the snapshot rows with something in the bucket take part: most have nothing there, and skipping them
    # keeps the join small.
    latest = FilteredRelation(
        "snapshots",
        condition=Q(snapshots__snapshot_date=F("last_snapshot_date")) & ~Q(**{f"snapshots__{bucket}": 0}),
    )
    return (
        scoped(Invoice.objects.open(), user)
        .annotate(latest=latest)
        .filter(**{f"latest__{bucket}__isnull": False})
        .values("account_id")
        .annotate(total=Sum(f"latest__{bucket}"))
        .filter(total__gt=0)
        .values("account_id")
    )


def account_get(*, user, pk: int) -> Account:
    """One account of the user's organization, or Account.DoesNotExist (a 404, whoever owns it)."""
    return scoped(Account.objects.all(), user).select_related("parent").prefetch_related("contacts").get(pk=pk)
