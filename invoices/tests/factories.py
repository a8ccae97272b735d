import datetime
from decimal import Decimal

import factory

from accounts.tests.factories import AccountFactory
from invoices.models import Invoice, InvoiceAgingSnapshot
from invoices.services import snapshot_summaries_rebuild


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    account = factory.SubFactory(AccountFactory)
    organization = factory.SelfAttribute("account.organization")
    invoice_no = factory.Sequence(lambda n: f"INV-{24000 + n}")
    invoice_date = datetime.date(2025, 1, 6)
    due_date = factory.LazyAttribute(lambda i: i.invoice_date + datetime.timedelta(days=30))
    invoice_amount = Decimal("1250.50")
    total_outstanding = factory.SelfAttribute("invoice_amount")


class InvoiceAgingSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceAgingSnapshot

    invoice = factory.SubFactory(InvoiceFactory)
    snapshot_date = datetime.date(2025, 2, 28)
    days_0_30 = factory.SelfAttribute("invoice.total_outstanding")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        snapshot = super()._create(model_class, *args, **kwargs)
        # As an import does in its transaction: the dashboard reads the totals, not the snapshots.
        snapshot_summaries_rebuild(organization=snapshot.invoice.organization, snapshot_date=snapshot.snapshot_date)
        return snapshot
