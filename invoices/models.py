"""Invoices and their aging history. Money is Decimal with two places, never float."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from accounts.models import Account, ImmutableModel, OrganizationOwned, TimestampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class InvoiceQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def closed(self):
        return self.filter(closed_at__isnull=False)


class Invoice(OrganizationOwned, TimestampedModel):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="invoices")
    invoice_no = models.CharField("invoice number", max_length=100)
    invoice_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    invoice_amount = models.DecimalField(**MONEY, help_text="Negative for a credit note.")
    total_outstanding = models.DecimalField(**MONEY)
    is_disputed = models.BooleanField("disputed", default=False, help_text="Disputed invoices are left out of emails.")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the invoice no longer appears in a newer aging report (paid)."
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["invoice_date", "invoice_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "invoice_no"], name="invoice_no_unique_per_org"),
            models.CheckConstraint(condition=~Q(invoice_no=""), name="invoice_no_not_blank"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("invoice_date")),
                name="invoice_due_not_before_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "closed_at"]),
            models.Index(fields=["organization", "closed_at"]),
        ]

    def __str__(self) -> str:
        return self.invoice_no

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def clean(self) -> None:
        if self.account_id and self.organization_id and self.account.organization_id != self.organization_id:
            raise ValidationError({"account": "The account belongs to another organization."})

    def save(self, *args, **kwargs) -> None:
        # The organization is the account's; keeping both lets invoice numbers be unique per organization.
        if self.account_id:
            account_org = self.account.organization_id
            if self.organization_id is None:
                self.organization_id = account_org
            elif self.organization_id != account_org:
                raise ValidationError("An invoice and its account must belong to the same organization.")
        super().save(*args, **kwargs)


class InvoiceAgingSnapshot(ImmutableModel):
    """How much of an invoice sat in each aging bucket on one as-of date. Written once, by an import."""

    organization_path = "invoice__organization"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="snapshots")
    snapshot_date = models.DateField(help_text="The as-of date of the aging report.")
    days_0_30 = models.DecimalField("0-30 days", **MONEY, default=Decimal("0"))
    days_31_60 = models.DecimalField("31-60 days", **MONEY, default=Decimal("0"))
    days_61_90 = models.DecimalField("61-90 days", **MONEY, default=Decimal("0"))
    days_91_120 = models.DecimalField("91-120 days", **MONEY, default=Decimal("0"))
    days_over_120 = models.DecimalField("over 120 days", **MONEY, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)

    BUCKET_FIELDS = ("days_0_30", "days_31_60", "days_61_90", "days_91_120", "days_over_120")

    class Meta:
        ordering = ["-snapshot_date"]
        get_latest_by = "snapshot_date"
        constraints = [
            models.UniqueConstraint(fields=["invoice", "snapshot_date"], name="snapshot_one_per_invoice_and_date"),
        ]
        indexes = [models.Index(fields=["snapshot_date"])]

    def __str__(self) -> str:
        return f"{self.invoice_id} as of {self.snapshot_date}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in self.BUCKET_FIELDS), Decimal("0"))
