"""Sample replies for the demo (``make demo``): a promise, a dispute, "already paid", an out-of-office and one
nobody can match, delivered the way SES receiving delivers them (``devtools.ses_inbound``) so a newcomer sees the
inbox working. They go to ``inbound_receive`` directly: the demo has no SNS to sign and post them."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction

from accounts.models import Account, Organization
from devtools import ses_inbound

from .receiving import inbound_receive


def _deliver(*, sender: str, subject: str, text: str) -> None:
    raw = ses_inbound.reply_mime(sender=sender, to="ar@replies.localhost", subject=subject, text=text,
                                 quoted="Dear customer,\nYour account is past due.")  # fmt: skip
    message = ses_inbound.received_message(raw, recipients=["ar@replies.localhost"])
    with transaction.atomic():  # the reading is queued on commit (run at once in the embedded mode)
        inbound_receive(notification_id=f"demo-{uuid.uuid4()}", message=message)


def demo_replies_load(*, organization: Organization, today: datetime.date) -> int:
    accounts = [account for account in Account.objects.filter(organization=organization).order_by("client_id")
                if account.invoices.filter(closed_at=None, total_outstanding__gt=0).exists()][:4]  # fmt: skip
    if len(accounts) < 4:
        return 0
    billing = [account.contacts.filter(is_billing=True).first() for account in accounts]
    invoice = accounts[2].invoices.filter(closed_at=None, total_outstanding__gt=0).order_by("due_date").first()
    promised = (today + datetime.timedelta(days=9)).isoformat()
    disputed = accounts[1].invoices.filter(closed_at=None).order_by("due_date").first()
    samples = [
        (billing[0].email, "Re: Your account is past due", f"Thanks for the reminder. We will pay the balance on "
                                                          f"{promised}."),
        (billing[1].email, "Re: Overdue invoices", f"Invoice {disputed.invoice_no} is incorrect: the goods arrived "
                                                   "damaged and we returned them."),
        (billing[2].email, "Re: Reminder", f"This was already paid: ${invoice.total_outstanding:,.2f} by wire, "
                                           "reference WT-20931."),
        (billing[3].email, "Automatic reply: Reminder", "I am out of the office until "
                                                        f"{(today + datetime.timedelta(days=5)).isoformat()}."),
        ("someone@unknown-sender.example", "Question", "Hello, which invoice is this about?"),
    ]  # fmt: skip
    for sender, subject, text in samples:
        _deliver(sender=sender, subject=subject, text=text)
    return len(samples)
