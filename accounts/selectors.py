from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Account
from .tenancy import scoped

ZERO = Value(Decimal("0.00"))


def account_list(*, user, search: str = "") -> QuerySet[Account]:
    """The user's accounts with their open balance, in one query."""
    accounts = scoped(Account.objects.all(), user).annotate(
        open_invoices=Count("invoices", filter=Q(invoices__closed_at__isnull=True)),
        total_outstanding=Coalesce(
            Sum("invoices__total_outstanding", filter=Q(invoices__closed_at__isnull=True)), ZERO
        ),
    )
    if search:
        accounts = accounts.filter(
            Q(account_name__icontains=search)
            | Q(client_id__icontains=search)
            | Q(invoices__invoice_no__iexact=search)
            | Q(contacts__email__iexact=search)
        ).distinct()
    return accounts.order_by("account_name")


def account_get(*, user, pk: int) -> Account:
    """One account of the user's organization, or Account.DoesNotExist (a 404, whoever owns it)."""
    return scoped(Account.objects.all(), user).prefetch_related("contacts").get(pk=pk)
