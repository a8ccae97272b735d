from django.db import transaction
from django.utils import timezone

from accounts.services import audit_event_record

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
