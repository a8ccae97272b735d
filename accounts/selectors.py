import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Account
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
    account_ids: set[int] | None = None,
    sort: str = "name",
    today: datetime.date | None = None,
) -> QuerySet[Account]:
    """The user's accounts with their open balance and oldest due date, filtered and sorted, in one query."""
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
        matching = scoped(Account.objects.all(), user).filter(
            Q(account_name__icontains=search)
            | Q(client_id__icontains=search)
            | Q(invoices__invoice_no__iexact=search)
            | Q(contacts__email__iexact=search)
        )
        accounts = accounts.filter(pk__in=matching.values("pk"))
    if currency:
        accounts = accounts.filter(currency=currency)
    if paused is not None:
        accounts = accounts.filter(escalation_paused=paused)
    if disputed is not None:
        accounts = accounts.filter(has_dispute=disputed)
    if promised is not None:
        accounts = accounts.filter(has_promise=promised)
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    return accounts.order_by(*SORTS.get(sort, SORTS["name"]))


def account_get(*, user, pk: int) -> Account:
    """One account of the user's organization, or Account.DoesNotExist (a 404, whoever owns it)."""
    return scoped(Account.objects.all(), user).select_related("parent").prefetch_related("contacts").get(pk=pk)
