"""Invoices and their aging history. Money is Decimal with two places, never float."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from accounts.models import Account, ImmutableModel, Organization, OrganizationOwned, TimestampedModel

from .aging import BUCKETS

MONEY = {"max_digits": 14, "decimal_places": 2}


class InvoiceQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def chaseable(self):
        """Open invoices proper: without the unapplied payments and journal entries, which are not chased."""
        return self.open().filter(kind=Invoice.Kind.INVOICE)

    def closed(self):
        return self.filter(closed_at__isnull=False)


class Invoice(OrganizationOwned, TimestampedModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice or credit note"
        # A payment, journal entry or credit an aging report lists without a number (QuickBooks leaves `Num`
        # empty for payments): it lowers (or raises) the account's balance but is not a document to chase.
        UNAPPLIED = "unapplied", "Unapplied payment or journal entry"

    # Neither foreign key has an index of its own: (account, closed_at) and (organization, invoice_no) lead with
    # them, and each index more is written for every invoice an import inserts.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="invoices", db_index=False)
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.INVOICE,
        db_default=Kind.INVOICE,
        help_text="Unapplied payments count in the balance but are never chased as invoices.",
    )
    invoice_no = models.CharField("invoice number", max_length=100)
    invoice_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    invoice_amount = models.DecimalField(**MONEY, help_text="Negative for a credit note.")
    total_outstanding = models.DecimalField(**MONEY)
    is_disputed = models.BooleanField("disputed", default=False, help_text="Disputed invoices are left out of emails.")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the invoice no longer appears in a newer aging report (paid)."
    )
    last_snapshot_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The as-of date of the newest aging report that lists the invoice; written with the snapshots.",
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
            # The dashboard's DSO sums the last 90 days of invoicing.
            models.Index(fields=["organization", "invoice_date"]),
            # Who is due reads the worst aging bucket of these few invoices (no due date to count from).
            models.Index(
                fields=["organization"],
                condition=Q(due_date__isnull=True, closed_at__isnull=True),
                name="invoice_open_without_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.invoice_no

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_unapplied(self) -> bool:
        return self.kind == self.Kind.UNAPPLIED

    @property
    def kind_label(self) -> str:
        """ "Unapplied payment", "Unapplied credit", "Unapplied debit"... for a row without a number; "" otherwise."""
        if not self.is_unapplied:
            return ""
        return "Unapplied credit" if self.total_outstanding < 0 else "Unapplied debit"

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
        if not self._state.adding and not args and kwargs.get("update_fields") is None:
            # The newest snapshot date is written in SQL along with the snapshots: a copy of the invoice loaded
            # before an import must not put back the date it had then.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "last_snapshot_date"
            ]
        super().save(*args, **kwargs)


class InvoiceAgingSnapshot(ImmutableModel):
    """How much of an invoice sat in each aging bucket on one as-of date. Written once, by an import."""

    organization_path = "invoice__organization"

    # (invoice, snapshot_date) is unique: that index serves lookups by invoice, so the key has none of its own.
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="snapshots", db_index=False)
    snapshot_date = models.DateField(help_text="The as-of date of the aging report.")
    days_0_30 = models.DecimalField("0-30 days", **MONEY, default=Decimal("0"))
    days_31_60 = models.DecimalField("31-60 days", **MONEY, default=Decimal("0"))
    days_61_90 = models.DecimalField("61-90 days", **MONEY, default=Decimal("0"))
    days_91_120 = models.DecimalField("91-120 days", **MONEY, default=Decimal("0"))
    days_over_120 = models.DecimalField("over 120 days", **MONEY, default=Decimal("0"))
    # A record of which import wrote the row, never joined on; import batches are never deleted (read-only in the
    # admin). No index and no database constraint, which every snapshot an import writes would pay for at commit;
    # Django still enforces PROTECT.
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="snapshots",
        help_text="The import that wrote this snapshot (empty for demo or hand-made data).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    BUCKET_FIELDS = BUCKETS

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


class AgingSnapshotTotal(OrganizationOwned):
    """An organization's snapshots of one as-of date, summed: the dashboard's aging history in one small read.

    Derived data, never edited by hand. Snapshots are immutable, so the totals of a date only change when an
    import writes that date; the import rewrites them in its own transaction, and ``snapshot_summaries_rebuild``
    recomputes them after snapshots were written some other way (demo data, bulk loads).
    """

    snapshot_date = models.DateField()
    days_0_30 = models.DecimalField("0-30 days", **MONEY)
    days_31_60 = models.DecimalField("31-60 days", **MONEY)
    days_61_90 = models.DecimalField("61-90 days", **MONEY)
    days_91_120 = models.DecimalField("91-120 days", **MONEY)
    days_over_120 = models.DecimalField("over 120 days", **MONEY)
    invoice_count = models.PositiveIntegerField(help_text="How many invoices the snapshots of this date list.")

    class Meta:
        ordering = ["-snapshot_date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "snapshot_date"], name="aging_total_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"Aging totals of {self.snapshot_date}"


def import_upload_path(batch: "ImportBatch", filename: str) -> str:
    # The stored name never uses the uploaded one, which may hold anything.
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"imports/{batch.organization_id}/{batch.sha256[:2]}/{batch.sha256}.{extension}"


class ImportBatch(OrganizationOwned):
    """One uploaded file, from preview to its import report. The file itself is kept for the record."""

    class Kind(models.TextChoices):
        AGING = "aging", "Aging report"
        CONTACTS = "contacts", "Customer contact list"

    class Status(models.TextChoices):
        STAGING = "staging", "Waiting to be read"
        READING = "reading", "Reading the file"
        NEEDS_MAPPING = "needs_mapping", "Needs a column mapping"
        PREVIEWED = "previewed", "Ready to confirm"
        REJECTED = "rejected", "Has errors – nothing imported"
        IMPORTING = "importing", "Importing"
        COMPLETED = "completed", "Imported"
        FAILED = "failed", "Failed – nothing imported"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGING)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STAGING)
    file = models.FileField(upload_to=import_upload_path, max_length=255)
    file_name = models.CharField(max_length=255, help_text="The name the file was uploaded with.")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_of = models.DateField("as-of date", null=True, blank=True)
    is_complete_report = models.BooleanField(
        default=True,
        help_text="A complete report lists every open invoice: open invoices missing from it are closed (paid).",
    )
    format = models.CharField(max_length=60, blank=True)
    format_label = models.CharField(max_length=120, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    column_mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True, help_text="The file's header, when it needs a mapping.")
    preview = models.JSONField(default=dict, blank=True, help_text="Counts and totals shown before confirming.")
    result = models.JSONField(default=dict, blank=True, help_text="What the import changed.")
    issues = models.JSONField(default=list, blank=True, help_text="Row errors and warnings (the first 1,000).")
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, help_text="Why the whole file was refused or the import failed.")
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An earlier completed import of the very same file.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When the worker task of the current step (read or apply) was last handed to the broker; empty when
    # that failed. The reconciler publishes again what has no task, or one so old it was lost.
    task_published_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "import batches"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "sha256"])]
        permissions = [("import_file", "Can upload and confirm imports")]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.file_name}"

    DISCARDED = "Discarded by the user."  # the failure text import_batch_discard writes

    @property
    def status_label(self) -> str:
        """The status in plain words: a discarded import says so instead of "Has errors"."""
        if self.status == self.Status.REJECTED and self.failure == self.DISCARDED:
            return "Discarded"
        if self.status == self.Status.NEEDS_MAPPING:
            return "Needs mapping"
        return self.get_status_display()

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.PREVIEWED and self.error_count == 0

    @property
    def can_confirm_leaving_out(self) -> bool:
        """All the errors are in rows that may be left out, and the collector may choose to import the rest."""
        return self.status == self.Status.PREVIEWED and self.error_count > 0 and bool(self.preview.get("leave_out"))


class StagedInvoiceRow(models.Model):
    """Scratch space: the canonical rows of a batch between preview and confirm. Deleted after the import.

    Staging lets the preview and the import be a handful of set-based SQL statements whatever the file's
    size, instead of a query per row, and keeps memory flat for very large files.

    Written for speed, as scratch: UNLOGGED on PostgreSQL (migration 0008; a crash empties it, which the import
    notices and refuses: see ``import_services``), no database constraint on the batch (Django still cascades), and
    only the two indexes the correlated lookups need (no index of the batch alone).
    """

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    line = models.PositiveIntegerField()
    client_id = models.CharField(max_length=100)
    account_name = models.CharField(max_length=255)
    parent_name = models.CharField(max_length=255, blank=True)
    invoice_no = models.CharField(max_length=100)
    invoice_date = models.DateField()
    due_date = models.DateField(null=True)
    invoice_amount = models.DecimalField(**MONEY)
    total_outstanding = models.DecimalField(**MONEY)
    days_0_30 = models.DecimalField(**MONEY)
    days_31_60 = models.DecimalField(**MONEY)
    days_61_90 = models.DecimalField(**MONEY)
    days_91_120 = models.DecimalField(**MONEY)
    days_over_120 = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, blank=True)
    contact_first_name = models.CharField(max_length=100, blank=True)
    contact_last_name = models.CharField(max_length=100, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, default=Invoice.Kind.INVOICE)

    class Meta:
        # Both are probed from correlated subqueries: "is this invoice still listed?" (closing what a complete
        # report no longer lists) and the account's first row. The planner cannot be trusted to hash-join those
        # instead: it sees the invoices the same transaction has just inserted as a handful of rows.
        indexes = [models.Index(fields=["batch", "invoice_no"]), models.Index(fields=["batch", "client_id"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.invoice_no}"


class StagedContactRow(models.Model):
    """Scratch space for a customer contact list: one row per (customer, email). Like StagedInvoiceRow."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    line = models.PositiveIntegerField()
    client_id = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "client_id"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.client_id} {self.email}"


class ImportProfile(OrganizationOwned):
    """A column mapping a collector made by hand, reused when a file with the same header comes again."""

    header_signature = models.CharField(max_length=64, help_text="SHA-256 of the normalised header row.")
    headers = models.JSONField()
    column_mapping = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "header_signature"], name="import_profile_one_per_header"),
        ]

    def __str__(self) -> str:
        return f"Mapping for {', '.join(self.headers[:4])}…"
