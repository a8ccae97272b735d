"""Stream a parsed report into the staging tables (Django side of the import; the parsers stay pure).

PostgreSQL gets the rows through COPY; other databases through batched INSERTs. Either way memory stays
flat: rows are written in chunks as the parser yields them.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection

from .canonical import CanonicalRow, ContactRow
from .errors import RowIssue

CHUNK_ROWS = 10_000
Progress = Callable[[int], None]
MAX_KEPT_ISSUES = 1000

INVOICE_COLUMNS = (
    "batch_id", "line", "client_id", "account_name", "parent_name", "invoice_no", "invoice_date", "due_date",
    "invoice_amount", "total_outstanding", "days_0_30", "days_31_60", "days_61_90", "days_91_120",
    "days_over_120", "currency", "contact_first_name", "contact_last_name", "contact_email", "contact_phone", "kind",
)  # fmt: skip
CONTACT_COLUMNS = ("batch_id", "line", "client_id", "first_name", "last_name", "email", "phone")


@dataclass
class IssueLog:
    """Every issue is counted; the first MAX_KEPT_ISSUES are kept for the preview and the report."""

    kept: list[dict] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    def add(self, issue: RowIssue) -> None:
        self.add_dict(
            {
                "line": issue.line,
                "column": issue.column,
                "value": issue.value,
                "message": issue.message,
                "severity": issue.severity,
                **({"sheet": issue.sheet} if issue.sheet else {}),
            }
        )

    def add_dict(self, issue: dict) -> None:
        if issue["severity"] == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.kept) < MAX_KEPT_ISSUES:
            fields = {name: issue.get(name) for name in ("line", "column", "value", "message", "severity", "sheet")}
            self.kept.append({**issue, "text": str(RowIssue(**fields))})


@lru_cache(maxsize=65_536)
def _is_email(address: str) -> bool:
    # Cached: an aging report repeats the same contact on every invoice row of the customer.
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def usable_email(email: str, *, line: int, column: str, issues: IssueLog) -> str:
    """The address lower-cased, or "" (with a warning) when it is not an email address at all."""
    email = email.strip().lower()
    if not email:
        return ""
    if not _is_email(email):
        issues.add(
            RowIssue(
                line=line,
                column=column,
                value=email,
                message="not an email address; the contact is imported without it",
                severity="warning",
            )
        )
        return ""
    return email


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _write(table: str, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress | None) -> int:
    """Write in chunks, reporting progress between them (nothing else may run on the connection mid-COPY)."""
    written = 0
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, CHUNK_ROWS):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", chunk)
            written += len(chunk)
            if progress is not None:
                progress(written)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner treats the just-filled staging table as empty and the
            # preview and import queries turn into nested loops over it.
            cursor.execute(f"ANALYZE {table}")
    return written


def stage_invoice_rows(
    *,
    batch_id: int,
    report: Iterable[CanonicalRow | RowIssue],
    as_of: date | None,
    issues: IssueLog,
    progress: Progress | None = None,
) -> int:
    """Write the report's rows for ``batch_id``; issues go to ``issues``. Returns the number of rows staged."""

    def rows() -> Iterator[tuple]:
        for item in report:
            if isinstance(item, RowIssue):
                issues.add(item)
                continue
            if as_of is not None and item.snapshot_date is not None and item.snapshot_date != as_of:
                issues.add(
                    RowIssue(
                        line=item.line,
                        column="snapshot_date",
                        value=item.snapshot_date.isoformat(),
                        message=f"differs from the report's as-of date {as_of.isoformat()}; "
                        "one file is one aging report",
                    )
                )
                continue
            yield (
                batch_id, item.line, item.client_id, item.account_name, item.parent_name, item.invoice_no,
                item.invoice_date, item.due_date, item.invoice_amount, item.total_outstanding, item.days_0_30,
                item.days_31_60, item.days_61_90, item.days_91_120, item.days_over_120, item.currency,
                item.contact_first_name, item.contact_last_name,
                usable_email(item.contact_email, line=item.line, column="contact_email", issues=issues),
                item.contact_phone, "unapplied" if item.unapplied else "invoice",
            )  # fmt: skip

    return _write("invoices_stagedinvoicerow", INVOICE_COLUMNS, rows(), progress)


def stage_contact_rows(
    *, batch_id: int, contacts: Iterable[ContactRow | RowIssue], issues: IssueLog, progress: Progress | None = None
) -> int:
    """One staged row per (customer, email); the first phone number goes with the first email."""

    def rows() -> Iterator[tuple]:
        for item in contacts:
            if isinstance(item, RowIssue):
                issues.add(item)
                continue
            emails = item.emails or ("",)
            for position, email in enumerate(emails):
                phone = item.phones[0] if item.phones and position == 0 else ""
                email = usable_email(email, line=item.line, column="Email", issues=issues)
                yield (batch_id, item.line, item.client_id, item.first_name, item.last_name, email, phone)

    return _write("invoices_stagedcontactrow", CONTACT_COLUMNS, rows(), progress)


def staged_rows_follow_aliases(*, batch_id: int, organization_id: int, table: str) -> None:
    """Rows naming a merged-away client ID are pointed at the account it was merged into (and its name,
    so the import does not rename the merged account back)."""
    name_update = ", account_name = (SELECT a.account_name {alias_join})" if table.endswith("invoicerow") else ""
    alias_join = (
        "FROM accounts_accountalias al JOIN accounts_account a ON a.id = al.account_id "
        f"WHERE al.organization_id = %(org)s AND al.client_id = {table}.client_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table}
                SET client_id = (SELECT a.client_id {alias_join}){name_update.format(alias_join=alias_join)}
                WHERE batch_id = %(batch)s
                  AND client_id IN (SELECT client_id FROM accounts_accountalias WHERE organization_id = %(org)s)""",
            {"batch": batch_id, "org": organization_id},
        )
