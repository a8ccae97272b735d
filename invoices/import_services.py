"""The import of aging reports and contact lists: upload → read and preview → confirm → apply.

Nothing touches the ledger before ``import_batch_apply``, which runs in one transaction: an import
commits whole or not at all. Files above ``IMPORT_BACKGROUND_BYTES`` are read and applied by workers.

Each step claims its batch by a status change in one compare-and-set UPDATE (``staging`` -> ``reading``;
``importing`` is locked by the apply), so a task delivered twice does nothing the second time. A
database error is not the file's fault: the batch goes back to where it was and the task retries. A
batch whose worker died is found by ``imports_reconcile`` (``import_outbox``) from its row.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit_event_record
from finemanwest.celery import app as celery_app
from finemanwest.conflicts import StateConflict
from finemanwest.resilience import DB_ERRORS, atomic_with_retries

from .importing import (
    ImportFileError,
    UnrecognisedHeaderError,
    read_contact_list,
    read_report,
)
from .importing.apply import contact_import_apply, invoice_import_apply
from .importing.plan import contact_import_plan, invoice_import_plan, ledger_state, staged_rows
from .importing.preview import aging_preview_compute, possible_duplicates_link, staged_rows_leave_out
from .importing.sql import STAGED, STAGED_CONTACTS, execute
from .importing.staging import IssueLog, stage_contact_rows, stage_invoice_rows, staged_rows_follow_aliases
from .models import ImportBatch, ImportProfile

logger = logging.getLogger(__name__)
Status = ImportBatch.Status


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def header_signature(headers: list[str]) -> str:
    normalised = "|".join(" ".join(h.split()).lower() for h in headers)
    return hashlib.sha256(normalised.encode()).hexdigest()


def runs_in_background(batch: ImportBatch) -> bool:
    return batch.size_bytes > settings.IMPORT_BACKGROUND_BYTES and not celery_app.conf.task_always_eager


def import_batch_create(
    *,
    organization: Organization,
    uploaded_by,
    file: File,
    file_name: str,
    kind: str = ImportBatch.Kind.AGING,
    as_of=None,
    is_complete_report: bool = True,
) -> ImportBatch:
    """Keep the uploaded file and read it into a preview (now, or in a worker when it is large)."""
    size = file.size
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            f"{file_name} is {size / 1_048_576:.1f} MB; the limit is {settings.IMPORT_MAX_BYTES / 1_048_576:.0f} MB."
        )
    if size == 0:
        raise ValidationError(f"{file_name} is empty.")
    sha256 = _sha256(file)
    batch = ImportBatch(
        organization=organization,
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256,
        size_bytes=size,
        uploaded_by=uploaded_by if uploaded_by is not None and uploaded_by.is_authenticated else None,
        as_of=as_of,
        is_complete_report=is_complete_report,
        duplicate_of=ImportBatch.objects.filter(
            organization=organization, sha256=sha256, kind=kind, status=Status.COMPLETED
        ).first(),
    )
    if _is_identical_reimport(batch):
        return _nothing_to_do(batch)
    batch.file.save(file_name, file, save=False)
    batch.save()
    if runs_in_background(batch):
        from .import_outbox import import_task_publish

        transaction.on_commit(lambda: import_task_publish(batch_id=batch.pk, status=Status.STAGING))
        return batch
    return import_batch_read(batch=batch)


def _is_identical_reimport(batch: ImportBatch) -> bool:
    """The very same file (SHA-256), already imported with the same options: importing it again changes nothing
    (re-imports are idempotent), so it is not read again."""
    earlier = batch.duplicate_of
    return (
        earlier is not None
        and earlier.is_complete_report == batch.is_complete_report
        and (batch.as_of is None or batch.as_of == earlier.as_of)
        and not earlier.result.get("left_out")  # rows were left out by choice: reading again may be the point
    )


def _nothing_to_do(batch: ImportBatch) -> ImportBatch:
    earlier = batch.duplicate_of
    now = timezone.now()
    batch.file.name = earlier.file.name  # the same bytes, stored already
    batch.status = Status.COMPLETED
    batch.as_of, batch.format, batch.format_label, batch.encoding = (
        earlier.as_of, earlier.format, earlier.format_label, earlier.encoding,
    )  # fmt: skip
    batch.rows_read = earlier.rows_read
    batch.result = {"nothing_to_do": True, "duplicate_of": earlier.pk}
    batch.started_at = batch.finished_at = now
    batch.duration_ms = 0
    batch.save()
    audit_event_record(
        organization=batch.organization, action="import.completed", obj=batch, actor=batch.uploaded_by,
        payload={"nothing_to_do": True, "duplicate_of": earlier.pk},
    )  # fmt: skip
    return batch


def import_batch_read(*, batch: ImportBatch) -> ImportBatch:
    """Read the file into staging and compute the preview. Writes nothing to the ledger."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=Status.STAGING).update(
        status=Status.READING, started_at=timezone.now()
    )
    if not claimed:
        batch.refresh_from_db()
        return batch  # a redelivered task for a batch that is being read or was read already
    try:
        return _read_claimed(batch)
    except DB_ERRORS:
        # The database went away, not the file's fault: back to the queue (on a fresh connection) and let
        # the task retry; if even that fails, the reconciler finds the batch stuck in "reading".
        logger.warning("reading import %s hit a database error; it will be read again", batch.pk)
        atomic_with_retries(lambda: _release_read(batch))
        raise


def _read_claimed(batch: ImportBatch) -> ImportBatch:
    started = time.monotonic()
    issues = IssueLog()
    try:
        with batch.file.open("rb") as stream:
            rows = _stage(batch, stream, issues)
    except UnrecognisedHeaderError as exc:
        _clear_staging(batch)
        return _finish_read(batch, status=Status.NEEDS_MAPPING, failure=exc.message, headers=exc.headers)
    except ImportFileError as exc:
        _clear_staging(batch)
        return _finish_read(batch, status=Status.REJECTED, failure=_file_error_text(batch, exc))
    except DB_ERRORS:
        raise  # handled by the caller: the batch is read again
    except Exception as exc:
        # Not the file's fault (storage, database): say so on the batch instead of leaving it "reading".
        logger.exception("reading import %s failed", batch.pk)
        _clear_staging(batch)
        _finish_read(batch, status=Status.FAILED, failure=f"Reading the file failed ({type(exc).__name__}).")
        raise
    batch.refresh_from_db()
    if batch.kind == ImportBatch.Kind.AGING:
        preview = aging_preview_compute(batch=batch, issues=issues)
    else:
        preview = contact_import_plan(batch_id=batch.pk, organization_id=batch.organization_id)
    if rows == 0 and not issues.errors:
        issues.add_dict({"line": None, "column": None, "value": None, "severity": "error",
                         "message": "the file has a header but no rows to import"})  # fmt: skip
    # Errors only in rows the collector may choose to leave out: the preview stays, with that choice.
    refused = issues.errors and not preview.get("leave_out")
    if refused:
        _clear_staging(batch)
    return _finish_read(
        batch,
        status=Status.REJECTED if refused else Status.PREVIEWED,
        preview=preview,
        issues=issues,
        rows=rows,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def _stage(batch: ImportBatch, stream, issues: IssueLog) -> int:
    def progress(rows: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(rows_read=rows)

    if batch.kind == ImportBatch.Kind.CONTACTS:
        contacts = read_contact_list(stream, file_name=batch.file_name)
        ImportBatch.objects.filter(pk=batch.pk).update(
            format="quickbooks_contact_list", format_label="Customer contact list"
        )
        rows = stage_contact_rows(batch_id=batch.pk, contacts=contacts, issues=issues, progress=progress)
        staged_rows_follow_aliases(batch_id=batch.pk, organization_id=batch.organization_id, table=STAGED_CONTACTS)
        return rows

    mapping = batch.column_mapping or None
    try:
        report = read_report(stream, file_name=batch.file_name, as_of=batch.as_of, column_mapping=mapping,
                             max_bytes=settings.IMPORT_MAX_BYTES)  # fmt: skip
    except UnrecognisedHeaderError as exc:
        profile = ImportProfile.objects.filter(
            organization_id=batch.organization_id, header_signature=header_signature(exc.headers)
        ).first()
        if profile is None or mapping:
            raise
        stream.seek(0)
        mapping = profile.column_mapping
        report = read_report(stream, file_name=batch.file_name, as_of=batch.as_of, column_mapping=mapping,
                             max_bytes=settings.IMPORT_MAX_BYTES)  # fmt: skip
    as_of = report.as_of or batch.as_of
    if as_of is None:
        raise ImportFileError(
            "the file does not say its as-of date (no 'As of' line and no snapshot_date column): "
            "give the report's date when uploading"
        )
    ImportBatch.objects.filter(pk=batch.pk).update(
        as_of=as_of, format=report.format, format_label=report.format_label, encoding=report.encoding,
        column_mapping=mapping or report.column_mapping,
    )  # fmt: skip
    rows = stage_invoice_rows(batch_id=batch.pk, report=report, as_of=as_of, issues=issues, progress=progress)
    staged_rows_follow_aliases(batch_id=batch.pk, organization_id=batch.organization_id, table=STAGED)
    for issue in report.total_issues():
        issues.add(issue)
    return rows


def _release_read(batch: ImportBatch) -> None:
    _clear_staging(batch)
    ImportBatch.objects.filter(pk=batch.pk, status=Status.READING).update(status=Status.STAGING, rows_read=0)


def _file_error_text(batch: ImportBatch, exc: ImportFileError) -> str:
    # A SummaryReportError already names the detail report to export instead.
    return f"{batch.file_name}: {exc}"


def _clear_staging(batch: ImportBatch) -> None:
    table = STAGED_CONTACTS if batch.kind == ImportBatch.Kind.CONTACTS else STAGED
    execute(f"DELETE FROM {table} WHERE batch_id = %(batch)s", {"batch": batch.pk})


def _finish_read(batch: ImportBatch, *, status, failure="", headers=None, preview=None, issues=None, rows=0,
                 duration_ms=None) -> ImportBatch:  # fmt: skip
    batch.refresh_from_db()
    batch.status = status
    batch.failure = failure
    batch.headers = headers or []
    batch.preview = preview or {}
    batch.issues = issues.kept if issues else []
    batch.error_count = issues.errors if issues else 0
    batch.warning_count = issues.warnings if issues else 0
    batch.rows_read = rows
    batch.duration_ms = duration_ms
    if status in (Status.REJECTED, Status.FAILED):
        batch.finished_at = timezone.now()
    batch.save()
    audit_event_record(
        organization=batch.organization,
        action="import.rejected" if status == Status.REJECTED else "import.read",
        obj=batch,
        actor=batch.uploaded_by,
        payload={"status": status, "rows": rows, "errors": batch.error_count, "warnings": batch.warning_count},
    )
    return batch


def import_batch_map_columns(*, batch: ImportBatch, column_mapping: dict[str, str], actor=None) -> ImportBatch:
    """Read the file again with a mapping made by hand, and remember it for files with the same header."""
    if batch.status not in (Status.NEEDS_MAPPING, Status.REJECTED, Status.PREVIEWED):
        raise StateConflict("This import can no longer be re-read.")
    ImportProfile.objects.update_or_create(
        organization_id=batch.organization_id,
        header_signature=header_signature(batch.headers),
        defaults={"headers": batch.headers, "column_mapping": column_mapping, "created_by": actor},
    )
    _clear_staging(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.STAGING, column_mapping=column_mapping,
                                                   task_published_at=None)  # fmt: skip
    batch.refresh_from_db()
    return import_batch_read(batch=batch)


def import_batch_confirm(*, batch: ImportBatch, actor=None, leave_out: bool = False) -> ImportBatch:
    """The collector has seen the preview: import it (now, or in a worker for a large file).

    ``leave_out``: the collector chose to import the other rows of a file whose errors are all in rows that can
    be left out (repeated numbers, numbers of another account); those rows stay in the report, not the ledger.
    """
    if leave_out and batch.can_confirm_leaving_out:
        staged_rows_leave_out(batch=batch)
    elif not batch.can_confirm:
        raise StateConflict(f"Import #{batch.pk} cannot be confirmed: it is {batch.get_status_display().lower()}.")
    if runs_in_background(batch):
        from .import_outbox import import_task_publish

        ImportBatch.objects.filter(pk=batch.pk, status=Status.PREVIEWED).update(
            status=Status.IMPORTING, task_published_at=None
        )
        actor_id = actor.pk if actor else None
        transaction.on_commit(
            lambda: import_task_publish(batch_id=batch.pk, status=Status.IMPORTING, actor_id=actor_id)
        )
        batch.refresh_from_db()
        return batch
    return import_batch_apply(batch_id=batch.pk, actor=actor)


def import_batch_apply(*, batch_id: int, actor=None) -> ImportBatch:
    """Write the staged batch into the ledger, all or nothing. A second call for the same batch does nothing."""
    started = time.monotonic()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().select_related("organization").get(pk=batch_id)
            if batch.status not in (Status.PREVIEWED, Status.IMPORTING):
                return batch
            # One import at a time per organization: the preview counts must stay true while it runs.
            Organization.objects.select_for_update().filter(pk=batch.organization_id).first()
            now = timezone.now()
            result = _apply(batch, now)
            batch.status = Status.COMPLETED
            batch.result = result
            batch.finished_at = now
            batch.duration_ms = (batch.duration_ms or 0) + int((time.monotonic() - started) * 1000)
            batch.save()
            audit_event_record(
                organization=batch.organization, action="import.completed", obj=batch, actor=actor,
                payload={"as_of": str(batch.as_of), "kind": batch.kind, "result": result},
            )  # fmt: skip
    except DB_ERRORS:
        raise  # rolled back whole and still "importing": the task (or the reconciler) tries again
    except Exception as exc:
        logger.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=Status.FAILED, failure=f"The import failed and nothing was imported: {exc}",
            finished_at=timezone.now(),
        )  # fmt: skip
        raise
    return batch


def _apply(batch: ImportBatch, now) -> dict:
    if batch.kind == ImportBatch.Kind.CONTACTS:
        result = contact_import_plan(batch_id=batch.pk, organization_id=batch.organization_id)
        contact_import_apply(batch_id=batch.pk, organization_id=batch.organization_id, now=now)
        return result
    left_out = batch.preview.get("left_out")
    if staged_rows(batch_id=batch.pk) != batch.preview["rows"] - (left_out["count"] if left_out else 0):
        # The staging table is scratch space (UNLOGGED): a database crash empties it. Importing what is left of a
        # complete report would close every invoice it no longer lists.
        raise ImportFileError(
            "the rows read at preview are no longer staged (database restart?): upload the file again"
        )
    if not left_out and batch.preview.get("ledger_state") == ledger_state(organization_id=batch.organization_id):
        result = {k: v for k, v in batch.preview.items() if k != "ledger_state"}  # still true: not computed again
    else:
        result = invoice_import_plan(
            batch_id=batch.pk, organization_id=batch.organization_id, as_of=batch.as_of,
            complete=batch.is_complete_report,
        )  # fmt: skip
    invoice_import_apply(
        batch_id=batch.pk, organization_id=batch.organization_id,
        default_currency=batch.organization.default_currency, as_of=batch.as_of,
        is_newest=result["is_newest"], complete=batch.is_complete_report, now=now,
    )  # fmt: skip
    for key in ("left_out", "possible_duplicate_accounts"):
        if key in batch.preview:
            result[key] = batch.preview[key]
    possible_duplicates_link(
        organization_id=batch.organization_id, groups=result.get("possible_duplicate_accounts", {}).get("groups", [])
    )
    return result


def import_batch_discard(*, batch: ImportBatch, actor=None) -> None:
    """Drop a preview the collector does not want; the record of the upload stays."""
    if batch.status not in (Status.PREVIEWED, Status.NEEDS_MAPPING):
        raise StateConflict("Only a preview that was not imported can be discarded.")
    _clear_staging(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.REJECTED, failure=ImportBatch.DISCARDED,
                                                   finished_at=timezone.now())  # fmt: skip
