"""Escalation: how firm the next email to an account must be, and the drafts that come out of a run.

A draft is unique per (account, snapshot date, degree), enforced by the database: a double click, a
retried task or two overlapping runs can never produce two emails for the same situation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Account, Contact, Organization, OrganizationOwned, TimestampedModel
from templates_app.models import EmailTemplate

MONEY = {"max_digits": 14, "decimal_places": 2}
DEGREE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def all_degrees() -> list[int]:
    return [1, 2, 3, 4, 5]


def business_days() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday


class CollectionSettings(TimestampedModel):
    """How an organization's collection emails are signed, sent and approved."""

    organization_path = "organization"

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="collection_settings")
    sender_name = models.CharField(max_length=120, blank=True)
    sender_email = models.EmailField(blank=True, help_text="From address; empty: the server's DEFAULT_FROM_EMAIL.")
    reply_to = models.EmailField(blank=True)
    signature = models.TextField(blank=True)
    payment_instructions = models.TextField(blank=True)
    payment_link = models.URLField(blank=True)
    small_balance_tolerance = models.DecimalField(
        **MONEY, default=Decimal("10.00"), help_text="Accounts owing less than this get no email."
    )
    business_days = models.JSONField(default=business_days, help_text="Weekdays (0 = Monday) emails may go out.")
    approval_required_degrees = models.JSONField(
        default=all_degrees, help_text="Degrees whose drafts a person must approve before sending."
    )
    cc_other_contacts = models.BooleanField(default=False)
    daily_run_hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])

    class Meta:
        verbose_name_plural = "collection settings"

    def __str__(self) -> str:
        return f"Collection settings of {self.organization}"


class EscalationPolicy(OrganizationOwned, TimestampedModel):
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    no_skipping = models.BooleanField(
        default=True,
        help_text="On: an account gets level N only after an email of level N-1 was sent (its first email is the "
        "first level). Off (allow skipping): an account gets the level its oldest balance reaches at once.",
    )

    class Meta:
        verbose_name_plural = "escalation policies"
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_default=True), name="policy_one_default_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyLevel(models.Model):
    organization_path = "policy__organization"

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    degree = models.PositiveSmallIntegerField(validators=DEGREE_VALIDATORS)
    min_days_overdue = models.PositiveIntegerField(help_text="Of the oldest open balance.")
    template_identifier = models.SlugField(max_length=80)
    min_balance = models.DecimalField(**MONEY, default=Decimal("0.00"))
    cooldown_days = models.PositiveIntegerField(default=7, help_text="Days since the last email to the account.")
    requires_approval = models.BooleanField(default=True)

    class Meta:
        ordering = ["policy", "degree"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "degree"], name="policy_level_one_per_degree"),
            models.CheckConstraint(condition=Q(degree__gte=1, degree__lte=5), name="policy_level_degree_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Degree {self.degree}: {self.min_days_overdue}+ days → {self.template_identifier}"


class AccountPolicy(models.Model):
    """An account with a policy of its own instead of the organization's default."""

    organization_path = "account__organization"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="escalation_policy")
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.account}: {self.policy}"


class EscalationRun(OrganizationOwned):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    run_date = models.DateField()
    snapshot_date = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    scheduled = models.BooleanField(default=False, help_text="Started by the daily schedule, not by a person.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The daily schedule may fire twice (two beat processes, a retry): one scheduled run a day.
            models.UniqueConstraint(
                fields=["organization", "run_date"], condition=Q(scheduled=True), name="run_one_scheduled_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} on {self.run_date}"


class WriterBatch(OrganizationOwned):
    """A scheduled run's drafts written through one Message Batch (half the price of single calls).

    The row is created before the batch is submitted, one per run, so a redelivered submit task finds it and does
    nothing; its drafts stay ``generating`` until the batch has ended and its results are stored.
    """

    class Status(models.TextChoices):
        SUBMITTING = "submitting", "Being submitted"
        SUBMITTED = "submitted", "Waiting for the batch"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Could not be submitted (written one by one)"

    run = models.OneToOneField(EscalationRun, on_delete=models.CASCADE, related_name="writer_batch")
    batch_id = models.CharField(max_length=100, blank=True, db_index=True)
    model = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTING, db_index=True)
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.batch_id or 'batch'} for run {self.run_id}"


class EmailDraft(OrganizationOwned, TimestampedModel):
    class Status(models.TextChoices):
        GENERATING = "generating", "Being written"
        NEEDS_REVIEW = "needs_review", "Needs review"
        APPROVED = "approved", "Approved"
        QUEUED = "queued", "Queued for sending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Unknown – check SES"

    class Writer(models.TextChoices):
        CLAUDE = "claude", "Claude"
        OFFLINE = "offline", "Offline writer"
        FALLBACK = "fallback", "Template fallback (writer failed)"
        CACHE = "cache", "Reused from an identical earlier draft"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="email_drafts")
    run = models.ForeignKey(EscalationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts")
    snapshot_date = models.DateField()
    degree = models.PositiveSmallIntegerField(validators=DEGREE_VALIDATORS)
    template = models.ForeignKey(EmailTemplate, on_delete=models.PROTECT, related_name="drafts")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient_email = models.EmailField(help_text="Taken from the billing contact when the draft was made.")
    requires_approval = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GENERATING, db_index=True)
    status_reason = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    # The HTML part as generated (empty once a person edits the text: the text is then sent as simple HTML).
    body_html = models.TextField(blank=True, db_default="")
    # The writer's words with their placeholders, before the figures were rendered (what Claude returned).
    parts = models.JSONField(default=dict, blank=True, db_default={})

    # Provenance: what produced this text, from which data, at what cost.
    writer = models.CharField(max_length=20, choices=Writer.choices, blank=True)
    model = models.CharField(max_length=80, blank=True)
    prompt_hash = models.CharField(max_length=64, blank=True, db_index=True)
    facts = models.JSONField(default=dict, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_creation_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=Decimal("0"))
    latency_ms = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    check_passed = models.BooleanField(default=False)
    check_results = models.JSONField(default=dict, blank=True)
    generation_errors = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    # Review and delivery.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    ses_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When the task that moves the draft on (generate or send) was last handed to the broker; empty when
    # that failed. The reconciler publishes again what has no task, or one so old it was lost.
    task_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "snapshot_date", "degree"], name="draft_one_per_account_snapshot_degree"
            ),
            models.CheckConstraint(condition=Q(degree__gte=1, degree__lte=5), name="draft_degree_1_to_5"),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"Draft #{self.pk}: degree {self.degree} to {self.account}"


class DraftRevision(models.Model):
    """A person's edit of a draft's text, kept with its ledger check; the draft holds the latest text."""

    organization_path = "draft__organization"

    draft = models.ForeignKey(EmailDraft, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_passed = models.BooleanField(default=False)
    check_results = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_revision_number_unique")]

    def __str__(self) -> str:
        return f"Revision {self.number} of draft #{self.draft_id}"


class DeliveryEvent(OrganizationOwned):
    """What SES reported about a sent email: delivery, bounce, complaint, open, click."""

    draft = models.ForeignKey(EmailDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    ses_message_id = models.CharField(max_length=200, db_index=True)
    # SNS's MessageId of the notification: SNS delivers at least once, so a second copy is recognised.
    notification_id = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=30)
    recipient = models.EmailField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification_id", "recipient"], condition=~Q(notification_id=""),
                name="delivery_event_once_per_notification",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.event_type} for {self.ses_message_id}"


class Note(OrganizationOwned):
    """A collector's note on an account, shown on its timeline."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.account_id} by {self.author_id}"


class PromiseToPay(OrganizationOwned):
    """The customer promised to pay ``amount`` by ``promised_date``: escalation pauses until then, and
    resumes by itself if the balance is still open afterwards."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="promises")
    promised_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-promised_date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} by {self.promised_date}"
