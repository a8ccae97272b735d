from django.db.models import QuerySet

from accounts.tenancy import scoped

from .models import EmailDraft, EscalationRun

# What a person reads on an account's timeline for each audit action the code records, and for the timeline's
# own entries ("note", "import"). A draft records "draft.<status>" on every change of status.
TIMELINE_LABELS = {
    "account.created": "Account created",
    "account.updated": "Account details changed",
    "account.merged": "Another account merged into this one",
    "contact.created": "Contact added",
    "contact.updated": "Contact changed",
    "contact.suppressed": "Emails to a contact stopped",
    "contact.suppression_lifted": "Emails to a contact allowed again",
    "invoice.disputed": "Invoice disputed",
    "invoice.dispute_resolved": "Invoice dispute resolved",
    "note.added": "Note added",
    "note": "Note",
    "promise.recorded": "Promise to pay recorded",
    "import": "Aging report imported",
    "import.read": "File read for a preview",
    "import.rejected": "File refused",
    "import.completed": "Import completed",
    "admin.imported": "Imported in the back office",
    "template.version_created": "Template version written",
    "template.version_activated": "Template version made active",
    "run.started": "Escalation run started",
    "draft.generated": "Email drafted",
    "draft.generating": "Email being drafted",
    "draft.needs_review": "Draft edited, back in review",
    "draft.approved": "Draft approved",
    "draft.queued": "Email queued for sending",
    "draft.sending": "Email being sent",
    "draft.sent": "Email sent",
    "draft.failed": "Email could not be sent",
    "draft.suppressed": "Email stopped: the contact is suppressed",
    "draft.cancelled": "Draft cancelled",
    "draft.unknown": "Email may not have been sent: check SES",
}


def timeline_label(kind: str) -> str:
    """The words for a timeline entry; an action nobody gave words yet still reads as words, never as a code."""
    return TIMELINE_LABELS.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()


def run_list(*, user) -> QuerySet[EscalationRun]:
    return scoped(EscalationRun.objects.select_related("started_by"), user)


def draft_list(*, user) -> QuerySet[EmailDraft]:
    return scoped(EmailDraft.objects.select_related("account", "template", "run"), user)


def account_timeline(*, account) -> list[dict]:
    """Everything that happened to an account, newest first: audit events (imports, edits, approvals,
    sends, suppressions...), notes, and the imports that wrote its aging snapshots. Each entry has a ``kind``
    (the action code) and a ``label`` (what a person reads)."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Account, AuditEvent
    from invoices.models import ImportBatch

    from .models import Note

    entries = []
    events = (
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Account), object_id=str(account.pk))
        .exclude(action="note.added")  # the note itself is on the timeline
        .select_related("actor")[:200]
    )
    for event in events:
        entries.append({"at": event.created_at, "kind": event.action, "who": event.actor, "detail": event.payload})
    for note in Note.objects.filter(account=account).select_related("author")[:200]:
        entries.append({"at": note.created_at, "kind": "note", "who": note.author, "detail": {"text": note.text}})
    batches = ImportBatch.objects.filter(snapshots__invoice__account=account).distinct().select_related("uploaded_by")
    for batch in batches[:100]:
        entries.append(
            {
                "at": batch.finished_at or batch.created_at,
                "kind": "import",
                "who": batch.uploaded_by,
                "detail": {"file": batch.file_name, "as_of": str(batch.as_of), "batch_id": batch.pk},
            }
        )
    for entry in entries:
        entry["label"] = timeline_label(entry["kind"])
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)
