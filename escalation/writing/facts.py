"""The facts of one draft: everything the writer may say, taken from the ledger and nothing else.

Money is a string with two decimals and dates are ISO strings, so the facts are exact, JSON-safe and
hash the same every time. Text from imported CSVs (names) is data here, never instructions.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account, Contact
from invoices.models import Invoice

from ..models import EmailDraft
from ..policies import collection_settings_get

REPLY_DAYS_BY_DEGREE = {1: 14, 2: 10, 3: 7, 4: 10, 5: 10}


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def draft_facts(draft: EmailDraft, *, today: datetime.date | None = None) -> dict:
    return account_facts(
        account=draft.account, contact=draft.contact, snapshot_date=draft.snapshot_date, degree=draft.degree,
        today=today, exclude_draft_id=draft.pk,
    )  # fmt: skip


def account_facts(
    *,
    account: Account,
    contact: Contact | None,
    snapshot_date: datetime.date,
    degree: int,
    today: datetime.date | None = None,
    exclude_draft_id: int | None = None,
) -> dict:
    today = today or timezone.localdate()
    settings = collection_settings_get(organization=account.organization)
    invoices = (
        Invoice.objects.filter(
            account=account, closed_at__isnull=True, is_disputed=False, snapshots__snapshot_date=snapshot_date
        )
        .order_by("due_date", "invoice_date", "invoice_no")
        .distinct()
    )
    lines = []
    for invoice in invoices:
        overdue = max((today - invoice.due_date).days, 0) if invoice.due_date else 0
        lines.append(
            {
                "invoice_no": invoice.invoice_no,
                "invoice_date": invoice.invoice_date.isoformat(),
                "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
                "amount": _money(invoice.invoice_amount),
                "outstanding": _money(invoice.total_outstanding),
                "days_overdue": overdue,
            }
        )
    total = sum((Decimal(line["outstanding"]) for line in lines), Decimal("0"))
    previous = (
        EmailDraft.objects.filter(account=account, status=EmailDraft.Status.SENT)
        .exclude(pk=exclude_draft_id)
        .order_by("created_at")
        .values_list("created_at", "degree")
    )
    return {
        "organization": {
            "name": account.organization.name,
            "sender_name": settings.sender_name or account.organization.name,
            "signature": settings.signature,
            "payment_instructions": settings.payment_instructions,
            "payment_link": settings.payment_link,
        },
        "account": {"name": account.account_name, "client_id": account.client_id},
        "contact": {
            "first_name": contact.first_name if contact else "",
            "last_name": contact.last_name if contact else "",
            "full_name": contact.full_name if contact else "",
        },
        "currency": account.currency,
        "as_of": snapshot_date.isoformat(),
        "today": today.isoformat(),
        "degree": degree,
        "total_due": _money(total),
        "invoices": lines,
        "oldest_days_overdue": max((line["days_overdue"] for line in lines), default=0),
        "reply_by": (today + datetime.timedelta(days=REPLY_DAYS_BY_DEGREE[degree])).isoformat(),
        "previous_emails": [{"date": created.date().isoformat(), "degree": degree} for created, degree in previous],
    }
