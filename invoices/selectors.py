from django.db.models import F, OuterRef, QuerySet, Subquery

from accounts.models import Account

from .models import Invoice, InvoiceAgingSnapshot


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
