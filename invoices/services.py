import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit_event_record

from .importing.apply import snapshot_summaries_write
from .models import Invoice


@transaction.atomic
def invoice_set_disputed(*, invoice: Invoice, disputed: bool, actor=None, reason: str = "") -> Invoice:
    """Mark an invoice disputed (it is left out of collection emails) or resolve the dispute."""
    current = Invoice.objects.select_for_update().select_related("account").get(pk=invoice.pk)
    if current.is_disputed != disputed:
        Invoice.objects.filter(pk=invoice.pk).update(is_disputed=disputed, updated_at=timezone.now())
        audit_event_record(
            organization=current.account.organization,
            action="invoice.disputed" if disputed else "invoice.dispute_resolved",
            obj=current.account,
            actor=actor,
            payload={"invoice_no": current.invoice_no, "reason": reason[:500]},
        )
    invoice.refresh_from_db()
    return invoice


@transaction.atomic
def snapshot_summaries_rebuild(*, organization: Organization, snapshot_date: datetime.date | None = None) -> None:
    """Recompute what is derived from the organization's snapshots (every date, or one): the aging totals the
    dashboard reads, and each invoice's newest snapshot date that tells who is due which invoices are current.

    Imports keep both up to date themselves; this is for snapshots written another way (demo data, bulk loads)
    and for repairs. It waits for a running import of the organization, as imports wait for each other.
    """
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    snapshot_summaries_write(organization_id=organization.pk, snapshot_date=snapshot_date)
