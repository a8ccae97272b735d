"""The aging preview beyond the plan's counts: checks over the staged rows as a whole, the rows a collector may
choose to leave out, and the look-alike accounts to merge after the import."""

from accounts.models import Account

from ..models import ImportBatch
from .duplicates import possible_duplicate_accounts, staged_duplicates
from .plan import invoice_import_plan, invoice_import_row_errors, ledger_state
from .sql import STAGED, execute
from .staging import IssueLog


def aging_preview_compute(*, batch: ImportBatch, issues: IssueLog) -> dict:
    """The plan of the staged rows, after the checks only the staged rows as a whole allow (repeated numbers,
    numbers of another account); exact repeats are dropped here."""
    errors_before = issues.errors
    lines: set[int] = set()
    row_errors = 0
    for issue in [*staged_duplicates(batch_id=batch.pk),
                  *invoice_import_row_errors(batch_id=batch.pk, organization_id=batch.organization_id)]:  # fmt: skip
        issues.add_dict(issue)
        if issue["severity"] == "error":
            row_errors += 1
            lines.update(issue["leave_out"])
    preview = invoice_import_plan(
        batch_id=batch.pk, organization_id=batch.organization_id, as_of=batch.as_of,
        complete=batch.is_complete_report,
    )  # fmt: skip
    preview["possible_duplicate_accounts"] = possible_duplicate_accounts(
        batch_id=batch.pk, organization_id=batch.organization_id
    )
    if row_errors and not errors_before and preview["rows"] > len(lines):
        preview["leave_out"] = {"count": len(lines), "others": preview["rows"] - len(lines), "lines": sorted(lines)}
    preview["ledger_state"] = ledger_state(organization_id=batch.organization_id)
    return preview


def staged_rows_leave_out(*, batch: ImportBatch) -> None:
    """The collector chose to import the other rows: drop the rows with errors from staging (not from the report)."""
    lines = batch.preview["leave_out"]["lines"]
    for start in range(0, len(lines), 500):
        chunk = ", ".join(str(int(line)) for line in lines[start : start + 500])
        execute(f"DELETE FROM {STAGED} WHERE batch_id = %(batch)s AND line IN ({chunk})", {"batch": batch.pk})
    batch.preview = {**batch.preview, "left_out": batch.preview["leave_out"]}
    ImportBatch.objects.filter(pk=batch.pk).update(preview=batch.preview)


def possible_duplicates_link(*, organization_id: int, groups: list[dict]) -> None:
    """The accounts of the possible duplicates exist now: give the report their ids, for the merge links."""
    client_ids = {account["client_id"] for group in groups for account in group["accounts"]}
    ids = dict(Account.objects.filter(organization_id=organization_id, client_id__in=client_ids)
               .values_list("client_id", "pk"))  # fmt: skip
    for group in groups:
        for account in group["accounts"]:
            account["id"] = ids.get(account["client_id"])
