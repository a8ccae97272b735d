"""QuickBooks Online "A/R Aging Detail" (and the "A/R Aging Summary" it must not be confused with).

Layout: a title, the company, "As of February 28, 2025", a blank line, then a header whose first cell is empty
(it holds the group labels). Rows are grouped under headings ("91 or more days past due", ..., "Current", or
customer names when grouped by customer) closed by "Total for <heading>" rows; a "TOTAL" row ends the data and
an "Accrual Basis ..." line follows. The report has no aging columns: balances are aged here from the due date
(or the invoice date) against the as-of date, which is also what QuickBooks' own headings are based on.
"""

from __future__ import annotations

from ..canonical import BUCKET_FIELDS, CanonicalRow, new_row
from ..errors import ImportFileError
from ..values import MDY, currency_of_amount
from .base import (
    D0,
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
    bucket_for_days,
    count_aging_columns,
    document_type,
    figures_from,
    is_transaction,
    looks_like_summary,
    norm,
    resolve_columns,
    split_parent,
)

LABEL = "QuickBooks Online – A/R Aging Detail"
ROLES: dict[str, tuple[str, ...]] = {
    "invoice_date": ("date", "transactiondate", "txndate", "invoicedate"),
    "document_type": ("transactiontype", "type"),
    "invoice_no": ("num", "no", "number", "invoiceno", "invoicenumber", "refno"),
    "customer": ("customerfullname", "customer", "customername", "name", "fullname"),
    "due_date": ("duedate",),
    "invoice_amount": ("amount", "originalamount"),
    "total_outstanding": ("openbalance", "balance", "openbalanceamount"),
    "currency": ("currency",),
}


def matches(header: Header) -> bool:
    return (
        header.has(ROLES["invoice_no"])
        and header.has(ROLES["total_outstanding"])
        and header.has(ROLES["invoice_date"])
        and count_aging_columns(header) < 2
    )


class QuickBooksParser:
    def __init__(self, header: Header, context: Context) -> None:
        if context.as_of is None:
            raise ImportFileError(
                "This QuickBooks report has no 'As of' date in its heading, which is needed to age the balances: "
                "pass as_of."
            )
        self.header = header
        self.context = context
        self.cols = resolve_columns(
            header, ROLES, ("invoice_date", "invoice_no", "customer", "total_outstanding"), LABEL
        )
        self.after_grand_total = False
        self.unnumbered = UnnumberedRows()
        cols = self.cols
        aged_from = header.cells[cols["due_date"]] if "due_date" in cols else header.cells[cols["invoice_date"]]
        self.column_mapping = {
            "client_id": header.cells[cols["customer"]],
            "account_name": header.cells[cols["customer"]],
            "invoice_no": header.cells[cols["invoice_no"]],
            "invoice_date": header.cells[cols["invoice_date"]],
            "total_outstanding": header.cells[cols["total_outstanding"]],
            "invoice_amount": header.cells[cols.get("invoice_amount", cols["total_outstanding"])],
            **dict.fromkeys(BUCKET_FIELDS, f"{header.cells[cols['total_outstanding']]} (aged by {aged_from})"),
        }
        for optional in ("due_date", "currency", "document_type"):
            if optional in cols:
                self.column_mapping[optional] = header.cells[cols[optional]]
        self.total_groups = [
            (header.cells[cols[f]], (f,), [cols[f]]) for f in ("invoice_amount", "total_outstanding") if f in cols
        ]

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
        if label.startswith("total for "):
            return self._total(c, first, first[len("total for ") :].strip(), grand=False)
        if filled == [0] or (len(filled) == 1 and self.after_grand_total):
            if self.after_grand_total:
                return None  # the "Accrual Basis <date>" footer
            return SectionStart(line, first)
        return self._row(c)

    def _total(self, c: Cells, label: str, name: str | None, *, grand: bool) -> TotalRow:
        figures = figures_from(c, self.total_groups, self.context.decimal_sep)
        return TotalRow(c.line, label, name, grand, figures, c.issues)

    def _row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        cols, sep, order, line = self.cols, self.context.decimal_sep, self.context.date_order, c.line
        get = cols.get
        customer = c.required_text(cols["customer"], "customer")
        kind = document_type(c.text(get("document_type")))
        invoice_no = self.unnumbered.number(c, cols["invoice_no"], kind, "invoice number")
        invoice_date = c.date(cols["invoice_date"], order, required=True)
        due_date = c.date(get("due_date"), order, required=False)
        outstanding = c.amount(cols["total_outstanding"], sep, required=True)
        amount = c.amount(cols["invoice_amount"], sep, required=True) if "invoice_amount" in cols else outstanding
        if not c.ok:
            return FailedRow(line, c.issues)
        assert invoice_date is not None
        buckets = [D0, D0, D0, D0, D0]
        age = self.context.age(invoice_date, due_date)
        assert age is not None  # as_of is known (checked in __init__) and invoice_date was read
        buckets[BUCKET_FIELDS.index(bucket_for_days(age))] = outstanding
        b0, b1, b2, b3, b4 = buckets
        currency = c.text(get("currency")).upper() or currency_of_amount(c.text(cols["total_outstanding"]))
        unapplied = not invoice_no
        if unapplied:
            invoice_no = self.unnumbered.reference(customer, kind, invoice_date, amount)
        row = new_row(line, customer, customer, split_parent(customer), invoice_no, invoice_date, due_date, amount,
                      outstanding, b0, b1, b2, b3, b4, currency, "", "", "", "", None, kind, unapplied)  # fmt: skip
        # No check_row: it can find nothing here, the balance being the one bucket with an amount (a negative
        # one only on a negative balance, which is not an error).
        return ParsedRow(row, c.issues) if c.issues else row


SPEC = FormatSpec(
    key="quickbooks_aging_detail",
    label=LABEL,
    system="QuickBooks Online",
    default_date_order=MDY,
    matches=matches,
    make_parser=QuickBooksParser,
    needs_as_of=lambda header: True,
)


def summary_matches(header: Header) -> bool:
    # QuickBooks leaves the first header cell empty (customer names go there) and ends with "91 and over".
    if not looks_like_summary(header, INVOICE_NUMBER_KEYS):
        return False
    return header.cells[0] == "" or any(norm(cell) in ("91 and over", "91 or more") for cell in header.cells)


INVOICE_NUMBER_KEYS = ROLES["invoice_no"]
SUMMARY = SummarySpec(
    system="QuickBooks Online",
    summary_report="A/R Aging Summary",
    detail_report="A/R Aging Detail",
    title_words=("a/r aging summary", "ar aging summary", "accounts receivable aging summary"),
    matches=summary_matches,
)
