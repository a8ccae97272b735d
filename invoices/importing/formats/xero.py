"""Xero "Aged Receivables Detail" (and "Aged Receivables Summary").

Layout: title, organisation, "As at 28 February 2025", "Ageing by due date", then the header. Each contact
starts with a row holding only its name, followed by its invoices and a "Total <contact>" row; a final "Total"
row closes the report. Aging columns are months ("Current", "< 1 Month", "1 Month", ..., "Older") or, when the
report is set up that way, day ranges. Xero rows carry no contact column: the contact comes from the heading.
"""

from __future__ import annotations

from ..canonical import CanonicalRow, new_row
from ..values import DMY, EMPTY_AMOUNT, currency_of_amount
from .base import (
    D0,
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
    checked,
    count_aging_columns,
    document_type,
    figures_from,
    is_transaction,
    looks_like_summary,
    norm,
    resolve_columns,
)

LABEL = "Xero – Aged Receivables Detail"
ROLES: dict[str, tuple[str, ...]] = {
    "invoice_date": ("invoicedate", "date", "transactiondate"),
    "invoice_no": ("invoicenumber", "number", "invoiceno", "invoice#", "creditnotenumber"),
    "due_date": ("duedate",),
    "contact": ("contact", "contactname"),
    "total_outstanding": ("total", "due", "amountdue", "balancedue", "outstanding"),
    "invoice_amount": ("invoicetotal", "invoiceamount", "grosstotal"),
    "currency": ("currency",),
    "document_type": ("type", "transactiontype", "sourcetype"),
}
_ACCOUNT_KEYS = ("a/c", "ac", "accountref")


def matches(header: Header) -> bool:
    return (
        header.has(ROLES["invoice_no"])
        and header.has(ROLES["invoice_date"])
        and not header.has(("openbalance", "customer", *_ACCOUNT_KEYS))
        and count_aging_columns(header) >= 2
    )


class XeroParser:
    def __init__(self, header: Header, context: Context) -> None:
        self.header = header
        self.context = context
        self.cols = resolve_columns(header, ROLES, ("invoice_date", "invoice_no"), LABEL)
        excluded = {self.cols[r] for r in ("total_outstanding", "invoice_amount") if r in self.cols}
        self.aging = AgingColumns(header, excluded)
        self.bucket_sources = self.aging.sources()
        self.contact = ""
        self.after_grand_total = False
        cols = self.cols
        self.column_mapping = {
            "client_id": "(contact headings)",
            "account_name": "(contact headings)",
            "invoice_no": header.cells[cols["invoice_no"]],
            "invoice_date": header.cells[cols["invoice_date"]],
            **self.aging.mapping("split by days past due"),
        }
        if "contact" in cols:
            self.column_mapping["client_id"] = self.column_mapping["account_name"] = header.cells[cols["contact"]]
        outstanding = header.cells[cols["total_outstanding"]] if "total_outstanding" in cols else "(sum of ages)"
        self.column_mapping["total_outstanding"] = outstanding
        self.column_mapping["invoice_amount"] = (
            header.cells[cols["invoice_amount"]] if "invoice_amount" in cols else outstanding
        )
        for optional in ("due_date", "currency", "document_type"):
            if optional in cols:
                self.column_mapping[optional] = header.cells[cols[optional]]
        self.total_groups = [
            (header.cells[cols[f]], (f,), [cols[f]]) for f in ("total_outstanding", "invoice_amount") if f in cols
        ] + self.aging.figure_groups()
        get = cols.get
        self.quick = QuickCells(
            header,
            context,
            texts=(get("contact"), cols["invoice_no"], get("currency"), get("document_type"), get("total_outstanding")),
            dates=(cols["invoice_date"], get("due_date")),
            amounts=(get("total_outstanding"), get("invoice_amount")),
            aging=self.aging,
        )
        self.has_columns = ("total_outstanding" in cols, "invoice_amount" in cols)
        self.width, self.invoice_no = len(header.cells), cols["invoice_no"]

    def parse(self, line: int, cells: list[str]) -> Item | None:
        if not cells:
            return None  # a blank line (as the rules below conclude)
        missing = self.width - len(cells)
        if missing > 0:
            cells.extend([""] * missing)  # as Cells does
        first = cells[0].strip()
        if first and self.invoice_no:
            # is_transaction(cells, self.invoice_no) for a first cell filled (the invoice date, usually), inlined.
            number = cells[self.invoice_no]
            if first[0] not in "TtGg" and first.isascii() and number and not number.isspace():
                return self._quick_row(line, cells) or self._read_row(Cells(line, cells, self.header))
        elif is_transaction(cells, self.invoice_no):
            # What the rules below conclude for it, with less work.
            return self._quick_row(line, cells) or self._read_row(Cells(line, cells, self.header))
        if (
            first
            and first[0] not in "TtGg"
            and first.isascii()
            and not self.after_grand_total
            and not "".join(cells[1:]).strip()
        ):
            # A contact heading: what the rules below conclude for it (the first cell alone is filled, and it
            # cannot read "total" or "grand total"), with less work.
            self.contact = first
            return SectionStart(line, first)
        if (
            first[:6].lower() == "total "
            and first.isascii()
            and not cells[self.invoice_no].strip()
            and "".join(cells[1:]).strip()
        ):
            # A contact's total: what the rules below conclude for it (its label reads "total ..." and it has
            # figures but no invoice number), with less work.
            return self._total(Cells(line, cells, self.header), first, first[len("total ") :].strip(), grand=False)
        c = Cells(line, cells, self.header)
        filled = c.filled()
        if not filled:
            return None
        first = c.values[filled[0]].strip()
        label = norm(first)
        if label in ("total", "grand total"):
            self.after_grand_total = True
            return self._total(c, first, None, grand=True)
        if filled == [0] or (len(filled) == 1 and self.after_grand_total):
            if self.after_grand_total:
                return None
            self.contact = first
            return SectionStart(line, first)
        if label.startswith("total ") and not c.text(self.cols["invoice_no"]):
            return self._total(c, first, first[len("total ") :].strip(), grand=False)
        return self._row(c)

    def _total(self, c: Cells, label: str, name: str | None, *, grand: bool) -> TotalRow:
        figures = figures_from(c, self.total_groups, self.context.decimal_sep)
        return TotalRow(c.line, label, name, grand, figures, c.issues)

    def _row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        return self._quick_row(c.line, c.values) or self._read_row(c)

    def _read_row(self, c: Cells) -> CanonicalRow | ParsedRow | FailedRow:
        """Any transaction row, reporting every problem with its cell."""
        cols, sep, order, line = self.cols, self.context.decimal_sep, self.context.date_order, c.line
        get = cols.get
        contact = c.text(get("contact")) or self.contact
        if not contact:
            c.error(get("contact"), None, "invoice row before any contact heading")
        invoice_no = c.required_text(cols["invoice_no"], "invoice number")
        invoice_date = c.date(cols["invoice_date"], order, required=True)
        due_date = c.date(get("due_date"), order, required=False)
        buckets = self.aging.read(c, sep, lambda: self.context.age(invoice_date, due_date))
        if "total_outstanding" in cols:
            outstanding = c.amount(cols["total_outstanding"], sep, required=True)
        else:
            outstanding = sum(buckets, D0)
        amount = c.amount(cols["invoice_amount"], sep, required=True) if "invoice_amount" in cols else outstanding
        if not c.ok:
            return FailedRow(line, c.issues)
        assert invoice_date is not None
        currency = c.text(get("currency")).upper()
        if not currency and "total_outstanding" in cols:
            currency = currency_of_amount(c.text(cols["total_outstanding"]))
        b0, b1, b2, b3, b4 = buckets
        row = new_row(line, contact, contact, "", invoice_no, invoice_date, due_date, amount, outstanding, b0, b1, b2,
                      b3, b4, currency, "", "", "", "", None, document_type(c.text(get("document_type"))))  # fmt: skip
        return checked(row, c.issues, self.bucket_sources, self.header)

    def _quick_row(self, line: int, values: list[str]) -> CanonicalRow | ParsedRow | None:
        """What _row makes of a row whose cells all read, with less work; None for any other row."""
        quick = self.quick.read(values)
        if quick is None:
            return None
        got, buckets, single = quick
        contact, invoice_no, currency, kind, balance, invoice_date, due_date, outstanding, amount, *_ = got
        contact = contact or self.contact
        if not contact or not invoice_no or invoice_date is None:
            return None
        has_total, has_amount = self.has_columns
        if not has_total:
            outstanding = sum(buckets, D0)
        elif outstanding is EMPTY_AMOUNT:
            return None
        if not has_amount:
            amount = outstanding
        elif amount is EMPTY_AMOUNT:
            return None
        if currency:
            currency = currency.upper()
        elif has_total and balance.strip("0123456789.,-"):  # (else digits only: no currency, see currency_of_amount)
            currency = currency_of_amount(balance)
        b0, b1, b2, b3, b4 = buckets
        row = new_row(line, contact, contact, "", invoice_no, invoice_date, due_date, amount, outstanding, b0, b1,
                      b2, b3, b4, currency, "", "", "", "", None, document_type(kind) if kind else "")  # fmt: skip
        if single is not None and single == outstanding:
            return row  # one bucket holds the whole balance: check_row would find nothing
        return checked(row, [], self.bucket_sources, self.header)


SPEC = FormatSpec(
    key="xero_aged_receivables_detail",
    label=LABEL,
    system="Xero",
    default_date_order=DMY,
    matches=matches,
    make_parser=XeroParser,
    needs_as_of=lambda header: AgingColumns(header, set()).needs_age,
)


def summary_matches(header: Header) -> bool:
    if not looks_like_summary(header, ROLES["invoice_no"]):
        return False
    return header.has(("contact", "contactname")) or header.has(("<1month", "1month", "2months"))


SUMMARY = SummarySpec(
    system="Xero",
    summary_report="Aged Receivables Summary",
    detail_report="Aged Receivables Detail",
    title_words=("aged receivables summary",),
    matches=summary_matches,
)
