from decimal import Decimal

from django.db.models import F, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.models import Account

from .models import Invoice, InvoiceAgingSnapshot

BUCKETS = InvoiceAgingSnapshot.BUCKET_FIELDS


def account_invoices_with_latest_aging(*, account: Account) -> QuerySet[Invoice]:
    """The account's invoices, open first, each with the buckets of its latest snapshot (one query)."""
    latest = InvoiceAgingSnapshot.objects.filter(invoice=OuterRef("pk")).order_by("-snapshot_date")
    return (
        Invoice.objects.filter(account=account)
        .annotate(
            latest_snapshot_date=Subquery(latest.values("snapshot_date")[:1]),
            **{f"latest_{name}": Subquery(latest.values(name)[:1]) for name in InvoiceAgingSnapshot.BUCKET_FIELDS},
        )
        .order_by(F("closed_at").asc(nulls_first=True), "invoice_date", "invoice_no")
    )


def aging_totals_by_account(*, account_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Each account's open balance by aging bucket, as of each open invoice's latest snapshot (one query).

    Accounts with no open snapshotted invoice are absent; callers show them as all zeros.
    """
    latest = FilteredRelation("snapshots", condition=Q(snapshots__snapshot_date=F("last_snapshot_date")))
    rows = (
        Invoice.objects.filter(account_id__in=account_ids, closed_at__isnull=True, last_snapshot_date__isnull=False)
        .annotate(latest=latest)
        .values("account_id")
        .annotate(as_of=Max("last_snapshot_date"), **{name: Sum(f"latest__{name}") for name in BUCKETS})
        .order_by()
    )
    totals = {}
    for row in rows:
        buckets = {name: row[name] or Decimal("0.00") for name in BUCKETS}
        totals[row["account_id"]] = {"as_of": row["as_of"], **buckets, "total": sum(buckets.values())}
    return totals
