"""What can go wrong while reading a report: one row (``RowIssue``) or the whole file (``ImportFileError``)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def listed(items, *, limit: int = 20, width: int = 80) -> str:
    """``a, b, c and 99,997 more``: a message names the first few of a long list and counts the rest, so a
    file with 100,000 columns does not become a megabyte of error text in the database and the API."""
    items = list(items)
    shown = ", ".join(item if len(item) <= width else item[: width - 1] + "…" for item in items[:limit])
    return f"{shown} and {len(items) - limit:,} more" if len(items) > limit else shown


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem with one row (or one total row) of the file.

    ``severity`` is ``"error"`` when the row was not turned into a ``CanonicalRow`` and ``"warning"`` when it
    was, but looks wrong. ``column`` is the header as written in the file, so the user can find the cell.
    """

    line: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = ERROR
    sheet: str | None = None  # the workbook sheet, for an Excel file: the line is then its row number

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = [f"sheet '{self.sheet}'"] if self.sheet else []
        if self.line is not None:
            where.append(f"row {self.line}" if self.sheet else f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        location = ", ".join(where)
        if self.value is not None:
            location = f"{location} ('{self.value}')" if location else f"'{self.value}'"
        message = self.message if self.severity == ERROR else f"warning: {self.message}"
        return f"{location}: {message}" if location else message


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing from it should be imported."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        self.sheet: str | None = None  # set by the reader for an Excel file
        super().__init__(message)

    def __str__(self) -> str:
        if self.sheet and self.line is not None:
            return f"sheet '{self.sheet}', row {self.line}: {self.message}"
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class SummaryReportError(ImportFileError):
    """The file is an aging *summary* (one row per customer): it has no invoices to import.

    ``system`` is the accounting system recognised ("QuickBooks Online", ... or "" when unsure) and
    ``detail_report`` the name of the report to export instead.
    """

    def __init__(self, message: str, *, system: str, detail_report: str, line: int | None = None) -> None:
        super().__init__(message, line=line)
        self.system = system
        self.detail_report = detail_report


class UnrecognisedHeaderError(ImportFileError):
    """No known layout matches the file's header; ``headers`` lets the UI offer a manual column mapping."""

    def __init__(self, message: str, *, headers: list[str], line: int | None) -> None:
        super().__init__(message, line=line)
        self.headers = headers
