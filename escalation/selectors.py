from django.db.models import QuerySet

from accounts.tenancy import scoped

from .models import EmailDraft, EscalationRun


def run_list(*, user) -> QuerySet[EscalationRun]:
    return scoped(EscalationRun.objects.select_related("started_by"), user)


def draft_list(*, user) -> QuerySet[EmailDraft]:
    return scoped(EmailDraft.objects.select_related("account", "template", "run"), user)


def account_timeline(*, account) -> list[dict]:
    """Everything that happened to an account, newest first: audit events (imports, edits, approvals,
    sends, suppressions...), notes, and the imports that wrote its aging snapshots."""
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
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)
