"""NetSuite "A/R Aging Detail" (and "A/R Aging Summary").

Layout: company, title, "As of Feb 28, 2025", then the header. Customers may start with a row holding only
their name and end with a "Total - <customer>" row (sub-customers nest inside their parent's total); a final
"Total" row closes the report. Amounts carry "$", thousands separators and negatives in parentheses;
sub-customers are written "Parent : Child". Aging columns are Current, 1 - 30, 31 - 60, 61 - 90 and Over 90;
"Over 90" is split at 120 days using the row's Age column (days past due, as NetSuite aged it) or, without one,
its due date against the as-of date.
"""

from __future__ import annotations

import re
from datetime import date

from ..canonical import CanonicalRow, new_row
from ..values import MDY, currency_of_amount
from .base import (
    AgingColumns,
    Cells,
    Context,
    FailedRow,
    FormatSpec,
    Header,
    Item,
    ParsedRow,
    SectionStart,
    SummarySpec,
    TotalRow,
    UnnumberedRows,
    checked,
    count_aging_columns,
    document_type,
    figures_from,
    is_transaction,
    looks_like_summary,
    norm,
    resolve_columns,
)

LABEL = "NetSuite – A/R Aging Detail"
ROLES: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "customerproject", "customername", "name", "company"),
    "client_code": ("internalid", "customerinternalid", "customerid", "entityid"),
    "document_type": ("type", "transactiontype"),
    "invoice_date": ("date", "transactiondate", "trandate", "invoicedate"),
    "invoice_no": ("documentnumber", "docnumber", "documentno", "transactionnumber", "number", "num"),
    "due_date": ("duedate",),
    "age": ("age", "daysoverdue", "dayspastdue"),
    "total_outstanding": ("openbalance", "amountremaining", "amountdue", "balance"),
    "invoice_amount": ("amount", "originalamount", "amountgross"),
    "currency": ("currency",),
}
_TOTAL_OF = re.compile(r"total\s*[-–—]\s*(.+)", re.IGNORECASE)
_INTEGER = re.compile(r"-?\d+")


def matches(header: Header) -> bool:
    return (
        header.has(ROLES["invoice_no"])
        and header.has(ROLES["total_outstanding"][:3])
        and header.has(ROLES["customer"])
        and not header.has(("a/c", "ac", "accountref"))
        and count_aging_columns(header) >= 2
    )


def needs_as_of(header: Header) -> bool:
    return AgingColumns(header, set()).needs_age and not header.has(ROLES["age"])


def full_name(name: str) -> tuple[str, str]:
    """("Eastgate Clinics:Eastgate North", "Eastgate Clinics") for "Eastgate Clinics : Eastgate North".

    NetSuite joins hierarchy levels with " : "; a colon without spaces is part of a name and is kept.
    """
    parts = [p.strip() for p in re.split(r"\s+:\s+", name.strip())]
    return ":".join(parts), ":".join(parts[:-1])


class NetSuiteParser:
    def __init__(self, header: Header, context: Context) -> None:
        self.header = header
        self.context = context
        self.unnumbered = UnnumberedRows()
        cols = self.cols = resolve_columns(
            header, ROLES, ("customer", "invoice_date", "invoice_no", "total_outstanding"), LABEL
        )
        excluded = {cols[r] for r in ("total_outstanding", "invoice_amount", "age") if r in cols}
        self.aging = AgingColumns(header, excluded)
        self.bucket_sources = self.aging.sources()
        self.customer = ""
        self.after_grand_total = False
        split_note = f"split by {header.cells[cols['age']]}" if "age" in cols else "split by days past due"
        self.column_mapping = {
            "client_id": header.cells[cols.get("client_code", cols["customer"])],
            "account_name": header.cells[cols["customer"]],
            "invoice_no": header.cells[cols["invoice_no"]],
            "invoice_date": header.cells[cols["invoice_date"]],
            "total_outstanding": header.cells[cols["total_outstanding"]],
            "invoice_amount": header.cells[cols.get("invoice_amount", cols["total_outstanding"])],
            **self.aging.mapping(split_note),
        }
        for optional in ("due_date", "currency", "document_type"):
            if optional in cols:
                self.column_mapping[optional] = header.cells[cols[optional]]
        self.total_groups = [
            (header.cells[cols[f]], (f,), [cols[f]]) for f in ("total_outstanding", "invoice_amount") if f in cols
        ] + self.aging.figure_groups()

    def parse(self, line: int, cells: list[str]) -> Item | None:
        if not cells:
            return None  # a blank line (as the rules below conclude)
        c = Cells(line, cells, self.header)
        if is_transaction(c.values, self.cols["invoice_no"]):
            return self._row(c)  # what the rules below conclude for it, with less work
        filled = c.filled()
        if not filled:
            return None
        first = c.values[filled[0]].strip()
        label = norm(first)
        if label in ("total", "grand total"):
            self.after_grand_total = True
            return self._total(c, first, None, grand=True)
        m = _TOTAL_OF.fullmatch(first)
        if m:
            return self._total(c, first, full_name(m[1])[0], grand=False)
        if filled == [0] or (len(filled) == 1 and self.after_grand_total):
            if self.after_grand_total:
                return None
            self.customer = first
            return SectionStart(line, full_name(first)[0])
        return self._row(c)

    def _total(self, c: Cells, label: str, name: str | None, *, grand: bool) -> TotalRow:
        figures = figures_from(c, self.total_groups, self.context.decimal_sep)
        return TotalRow(c.line, label, name, grand, figures, c.issues)

    def _row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        cols, sep, order, line = self.cols, self.context.decimal_sep, self.context.date_order, c.line
        get = cols.get
        customer = c.text(cols["customer"]) or self.customer
        if not customer:
            c.error(cols["customer"], None, "missing customer")
        name, parent = full_name(customer)
        kind = document_type(c.text(get("document_type")))
        invoice_no = self.unnumbered.number(c, cols["invoice_no"], kind, "document number")
        invoice_date = c.date(cols["invoice_date"], order, required=True)
        due_date = c.date(get("due_date"), order, required=False)
        outstanding = c.amount(cols["total_outstanding"], sep, required=True)
        amount = c.amount(cols["invoice_amount"], sep, required=True) if "invoice_amount" in cols else outstanding
        b0, b1, b2, b3, b4 = self.aging.read(c, sep, lambda: self._age(c, invoice_date, due_date))
        if not c.ok:
            return FailedRow(line, c.issues)
        assert invoice_date is not None
        currency = c.text(get("currency")).upper() or currency_of_amount(c.text(cols["total_outstanding"]))
        client_id = c.text(get("client_code")) or name
        unapplied = not invoice_no
        if unapplied:
            invoice_no = self.unnumbered.reference(client_id, kind, invoice_date, amount)
        row = new_row(line, client_id, name, parent, invoice_no, invoice_date, due_date, amount, outstanding, b0, b1,
                      b2, b3, b4, currency, "", "", "", "", None, kind, unapplied)  # fmt: skip
        return checked(row, c.issues, self.bucket_sources, self.header)

    def _age(self, c: Cells, invoice_date: date | None, due_date: date | None) -> int | None:
        """Days past due of the row, to split "Over 90"; None (with an error) when it cannot be known.

        NetSuite's own Age column comes first: it is what the report placed the amount by.
        """
        index = self.cols.get("age")
        raw = c.text(index)
        if index is not None and raw:
            if _INTEGER.fullmatch(raw.replace(",", "")):
                return int(raw.replace(",", ""))
            c.error(index, raw, "not a whole number of days")
            return None
        days = self.context.age(invoice_date, due_date)
        if days is None:
            c.error(index, None, "missing age: needed to split 'Over 90' into 91-120 and over 120 days")
        return days


SPEC = FormatSpec(
    key="netsuite_aging_detail",
    label=LABEL,
    system="NetSuite",
    default_date_order=MDY,
    matches=matches,
    make_parser=NetSuiteParser,
    needs_as_of=needs_as_of,
)


def summary_matches(header: Header) -> bool:
    if not looks_like_summary(header, ROLES["invoice_no"]):
        return False
    return bool(header.cells[0]) and header.has(ROLES["customer"])


SUMMARY = SummarySpec(
    system="NetSuite",
    summary_report="A/R Aging Summary",
    detail_report="A/R Aging Detail",
    title_words=("a/r aging summary", "ar aging summary"),
    matches=summary_matches,
)
