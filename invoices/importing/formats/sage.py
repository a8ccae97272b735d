"""Sage 50 "Aged Debtors Analysis (Detailed)" (and its "(Summary)" sibling).

Layout: written by Windows in Windows-1252 with CRLF line endings; title, company, "Date: 28/02/2025" (when it
was printed) and "Report Date: 28/02/2025" (the date it is aged to), then the header. Every row carries the
account code ("A/C") and name; a "Totals:" row closes the report. Aging columns are calendar months: Future and
Current (not yet due / due this month), Period 1, 2, 3 and Older. Dates are DD/MM/YYYY.
"""

from __future__ import annotations

from ..canonical import CanonicalRow, new_row
from ..values import DMY, EMPTY_AMOUNT, currency_of_amount
from .base import (
    AgingColumns,
    Cells,
    Context,
    FailedRow,
    FormatSpec,
    Header,
    Item,
    ParsedRow,
    QuickCells,
    SectionStart,
    SummarySpec,
    TotalRow,
    UnnumberedRows,
    checked,
    count_aging_columns,
    document_type,
    figures_from,
    looks_like_summary,
    norm,
    resolve_columns,
)

LABEL = "Sage 50 – Aged Debtors Analysis (Detailed)"
ROLES: dict[str, tuple[str, ...]] = {
    "client_id": ("a/c", "ac", "account", "accountref", "accountreference", "acref", "a/cref"),
    "account_name": ("name", "accountname", "customername", "customer"),
    "document_type": ("type", "tp", "transactiontype"),
    "invoice_date": ("date", "invdate", "invoicedate", "transactiondate"),
    "invoice_no": ("ref", "invref", "invoiceref", "reference", "invoiceno", "no", "transactionref"),
    "due_date": ("duedate",),
    "total_outstanding": ("balance", "outstanding", "o/s", "amountos", "balanceos"),
    "invoice_amount": ("amount", "invoiceamount", "gross", "grossamount", "original"),
}
_GRAND_TOTAL = {"totals", "totals:", "grand total", "grand total:", "grand totals", "grand totals:"}
_SUBTOTAL = {"total", "total:", "account total", "account total:"}


def matches(header: Header) -> bool:
    return (
        header.has(ROLES["client_id"])
        and header.has(ROLES["invoice_no"])
        and header.has(ROLES["total_outstanding"])
        and count_aging_columns(header) >= 2
    )


class SageParser:
    def __init__(self, header: Header, context: Context) -> None:
        self.header = header
        self.context = context
        self.unnumbered = UnnumberedRows()
        cols = self.cols = resolve_columns(
            header, ROLES, ("client_id", "invoice_date", "invoice_no", "total_outstanding"), LABEL
        )
        excluded = {cols[r] for r in ("total_outstanding", "invoice_amount") if r in cols}
        self.aging = AgingColumns(header, excluded)
        self.bucket_sources = self.aging.sources()
        # Cells that must be empty for a row to be an account heading rather than a transaction.
        self.transaction_cells = [cols[r] for r in ("invoice_date", "invoice_no", "total_outstanding")] + [
            i for i, _ in self.aging.columns
        ]
        self.column_mapping = {
            "client_id": header.cells[cols["client_id"]],
            "account_name": header.cells[cols.get("account_name", cols["client_id"])],
            "invoice_no": header.cells[cols["invoice_no"]],
            "invoice_date": header.cells[cols["invoice_date"]],
            "total_outstanding": header.cells[cols["total_outstanding"]],
            "invoice_amount": header.cells[cols.get("invoice_amount", cols["total_outstanding"])],
            **self.aging.mapping("split by days past due"),
        }
        for optional in ("due_date", "document_type"):
            if optional in cols:
                self.column_mapping[optional] = header.cells[cols[optional]]
        self.total_groups = [
            (header.cells[cols[f]], (f,), [cols[f]]) for f in ("total_outstanding", "invoice_amount") if f in cols
        ] + self.aging.figure_groups()
        get = cols.get
        self.quick = QuickCells(
            header,
            context,
            texts=(cols["client_id"], get("account_name"), cols["invoice_no"], get("document_type"),
                   cols["total_outstanding"]),
            dates=(cols["invoice_date"], get("due_date")),
            amounts=(cols["total_outstanding"], get("invoice_amount", cols["total_outstanding"])),
            aging=self.aging,
        )  # fmt: skip

    def parse(self, line: int, cells: list[str]) -> Item | None:
        if not cells:
            return None  # a blank line (as the rules below conclude)
        missing = len(self.header.cells) - len(cells)
        if missing > 0:
            cells.extend([""] * missing)  # as Cells does
        if cells[self.cols["invoice_no"]].strip() or cells[self.cols["invoice_date"]].strip():
            # A transaction (the usual row): neither blank, nor a total line, nor a heading (see below).
            return self._quick_row(line, cells) or self._read_row(Cells(line, cells, self.header))
        c = Cells(line, cells, self.header)
        values = c.values
        filled = c.filled()
        if not filled:
            return None
        account = values[self.cols["client_id"]].strip()
        if not values[self.cols["invoice_no"]].strip() and not values[self.cols["invoice_date"]].strip():
            # The label sits in whichever column precedes the figures ("Due Date" in Sage's own export).
            for i in filled:
                label = norm(values[i])
                if label in _GRAND_TOTAL:
                    return self._total(c, values[i].strip(), grand=True)
                if label in _SUBTOTAL:
                    return self._total(c, values[i].strip(), grand=False)
        if not any(values[i].strip() for i in self.transaction_cells):
            # An account heading ("ABB001, Abbey Fields School") or a line of text between sections.
            return SectionStart(line, account or values[filled[0]].strip())
        return self._row(c)

    def _total(self, c: Cells, label: str, *, grand: bool) -> TotalRow:
        figures = figures_from(c, self.total_groups, self.context.decimal_sep)
        return TotalRow(c.line, label, None, grand, figures, c.issues)

    def _row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        return self._quick_row(c.line, c.values) or self._read_row(c)

    def _read_row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        """Any transaction row, reporting every problem with its cell."""
        cols, sep, order, line = self.cols, self.context.decimal_sep, self.context.date_order, c.line
        get = cols.get
        account = c.required_text(cols["client_id"], "account code")
        name = c.text(get("account_name")) or account
        kind = document_type(c.text(get("document_type")))
        invoice_no = self.unnumbered.number(c, cols["invoice_no"], kind, "reference")
        invoice_date = c.date(cols["invoice_date"], order, required=True)
        due_date = c.date(get("due_date"), order, required=False)
        outstanding = c.amount(cols["total_outstanding"], sep, required=True)
        amount = c.amount(cols["invoice_amount"], sep, required=True) if "invoice_amount" in cols else outstanding
        b0, b1, b2, b3, b4 = self.aging.read(c, sep, lambda: self.context.age(invoice_date, due_date))
        if not c.ok:
            return FailedRow(line, c.issues)
        assert invoice_date is not None
        currency = currency_of_amount(c.text(cols["total_outstanding"]))
        unapplied = not invoice_no
        if unapplied:
            invoice_no = self.unnumbered.reference(account, kind, invoice_date, amount)
        row = new_row(line, account, name, "", invoice_no, invoice_date, due_date, amount, outstanding, b0, b1, b2, b3,
                      b4, currency, "", "", "", "", None, kind, unapplied)  # fmt: skip
        return checked(row, c.issues, self.bucket_sources, self.header)

    def _quick_row(self, line: int, values: list[str]) -> CanonicalRow | ParsedRow | None:
        """What _row makes of a row whose cells all read, with less work; None for any other row."""
        quick = self.quick.read(values)
        if quick is None:
            return None
        got, buckets, single = quick
        account, name, invoice_no, kind, balance, invoice_date, due_date, outstanding, amount, *_ = got
        if (
            account
            and invoice_no
            and invoice_date is not None
            and outstanding is not EMPTY_AMOUNT
            and amount is not EMPTY_AMOUNT
        ):
            b0, b1, b2, b3, b4 = buckets
            row = new_row(line, account, name or account, "", invoice_no, invoice_date, due_date, amount,
                          outstanding, b0, b1, b2, b3, b4, currency_of_amount(balance), "", "", "", "", None,
                          document_type(kind))  # fmt: skip
            if single is not None and single == outstanding:
                return row  # one bucket holds the whole balance: check_row would find nothing
            return checked(row, [], self.bucket_sources, self.header)
        return None


SPEC = FormatSpec(
    key="sage_aged_debtors_detail",
    label=LABEL,
    system="Sage 50",
    default_date_order=DMY,
    matches=matches,
    make_parser=SageParser,
    needs_as_of=lambda header: AgingColumns(header, set()).needs_age,
)


def summary_matches(header: Header) -> bool:
    if not looks_like_summary(header, ROLES["invoice_no"]):
        return False
    return header.has(ROLES["client_id"]) or header.has(("period1", "future"))


SUMMARY = SummarySpec(
    system="Sage 50",
    summary_report="Aged Debtors Analysis (Summary)",
    detail_report="Aged Debtors Analysis (Detailed)",
    title_words=("aged debtors analysis (summary)", "aged debtors summary", "aged debtors analysis summary"),
    matches=summary_matches,
)
