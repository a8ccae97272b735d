"""Small ledgers for escalation tests: an account, its billing contact, invoices and one snapshot."""

import datetime
from decimal import Decimal

from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.aging import aging_buckets
from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory
from templates_app.services import template_version_create

AS_OF = datetime.date(2025, 2, 28)
TODAY = datetime.date(2025, 3, 3)
TEMPLATE_IDS = ["friendly-reminder", "firm-reminder", "urgent-notice", "final-notice", "pre-collection"]


def active_templates(organization):
    from accounts.demo import DEFAULT_TEMPLATES

    for identifier in TEMPLATE_IDS:
        template_version_create(organization=organization, identifier=identifier, data=DEFAULT_TEMPLATES[identifier],
                                activate=True)  # fmt: skip


def owing_account(organization, *, days_overdue: int, amount="1000.00", email="ap@customer.example", name=None,
                  due_date=True, disputed=False, **account_fields):  # fmt: skip
    """An account with one open invoice ``days_overdue`` days overdue on TODAY, in the AS_OF snapshot."""
    account = AccountFactory(organization=organization, **({"account_name": name} if name else {}), **account_fields)
    if email is not None:
        ContactFactory(account=account, email=email, is_billing=True, first_name="Maria", last_name="Anders")
    due = TODAY - datetime.timedelta(days=days_overdue)
    invoice = InvoiceFactory(
        account=account, invoice_date=due - datetime.timedelta(days=30), due_date=due if due_date else None,
        invoice_amount=Decimal(amount), total_outstanding=Decimal(amount), is_disputed=disputed,
    )  # fmt: skip
    buckets = aging_buckets(outstanding=Decimal(amount), due_date=due, as_of=AS_OF)
    InvoiceAgingSnapshotFactory(invoice=invoice, snapshot_date=AS_OF, **buckets)
    return account


def allow_skipping(organization):
    """Turn "no skipped steps" off for the default policy: the email's level is the one the balance's age reaches.
    For tests about that mapping; the default (an account's first email is the first level) has its own tests."""
    from escalation.models import EscalationPolicy
    from escalation.policies import escalation_policy_default

    EscalationPolicy.objects.filter(pk=escalation_policy_default(organization=organization).pk).update(
        no_skipping=False
    )
