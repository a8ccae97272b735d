import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit_event_record

from .importing.apply import aging_totals_write
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
def aging_totals_rebuild(*, organization: Organization, snapshot_date: datetime.date | None = None) -> None:
    """Recompute the organization's aging totals from its snapshots (every date, or one).

    Imports keep the totals up to date themselves; this is for snapshots written another way (demo data, bulk
    loads) and for repairs. It waits for a running import of the organization, as imports wait for each other.
    """
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    aging_totals_write(organization_id=organization.pk, snapshot_date=snapshot_date)
