"""The project's own CSV layout (one row per open invoice), also used for files mapped by hand."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..canonical import BUCKET_FIELDS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CanonicalRow, document_type_from
from ..errors import ImportFileError
from ..values import AUTO
from .base import (
    D0,
    Cells,
    Context,
    DateReader,
    FailedRow,
    FormatSpec,
    Header,
    Item,
    ParsedRow,
    TotalRow,
    bucket_for_days,
    check_row,
    figures_from,
    key,
    norm,
)

ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_KEY_OF = {name: key(name) for name in ALL_COLUMNS}
# Names only this layout uses: "invoice_date" or "currency" alone could be any system's header.
_DISTINCTIVE = tuple(_KEY_OF[name] for name in REQUIRED_COLUMNS if name != "invoice_date")
_TOTAL_WORDS = {"total", "totals", "total:", "totals:", "grand total"}
_ISO_CURRENCY = re.compile(r"[A-Za-z]{3}")
_CURRENCY_SYMBOLS = {"£": "GBP", "€": "EUR"}


@lru_cache(maxsize=256)
def _currency_code(text: str) -> str:
    if text in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[text]
    return text.upper() if _ISO_CURRENCY.fullmatch(text) else ""


def matches(header: Header) -> bool:
    return sum(k in header.keys for k in _DISTINCTIVE) >= 3


class CanonicalParser:
    """Reads canonical rows; with ``mapping`` the columns are the user's choice rather than the standard names.

    Without a mapping every required column must be present. A hand mapping is more forgiving, because it is
    how exports of unknown systems get in: ``invoice_amount`` defaults to the outstanding balance, either
    ``client_id`` or ``account_name`` is enough, and when no aging column is mapped the balance is aged from
    the due date (or invoice date) against the report's as-of date.
    """

    def __init__(self, header: Header, context: Context, mapping: dict[str, str] | None = None) -> None:
        self.header = header
        self.context = context
        self.columns = self._columns(header, mapping)
        self.dates = DateReader(context.date_order)
        self.compute_buckets = not any(f in self.columns for f in BUCKET_FIELDS)
        if self.compute_buckets and context.as_of is None:
            raise ImportFileError(
                "No aging columns are mapped, so balances must be aged from their due dates, but the report "
                "date is unknown: pass as_of."
            )
        self.bucket_sources = {f: self.columns.get(f) for f in BUCKET_FIELDS}
        self.bucket_indexes = tuple(self.columns.get(f) for f in BUCKET_FIELDS)
        self.column_mapping = {f: header.cells[i] for f, i in self.columns.items()}
        amount_fields = ("invoice_amount", "total_outstanding", *BUCKET_FIELDS)
        self.total_groups = [
            (header.cells[self.columns[f]], (f,), [self.columns[f]]) for f in amount_fields if f in self.columns
        ]

    @staticmethod
    def _columns(header: Header, mapping: dict[str, str] | None) -> dict[str, int]:
        if mapping is None:
            columns = {name: i for name in ALL_COLUMNS if (i := header.find((_KEY_OF[name],))) is not None}
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise ImportFileError(
                    f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.",
                    line=header.line,
                )
            return columns
        columns = {}
        for field_name, source in mapping.items():
            index = header.find((key(source),))
            if index is None:  # pragma: no cover - the reader picked this header because every source is in it
                raise ImportFileError(f"The mapped column '{source}' is not in the header.", line=header.line)
            columns[field_name] = index
        missing = [f for f in ("invoice_no", "invoice_date", "total_outstanding") if f not in columns]
        if "client_id" not in columns and "account_name" not in columns:
            missing.insert(0, "client_id (or account_name)")
        mapped_buckets = [f for f in BUCKET_FIELDS if f in columns]
        if mapped_buckets and len(mapped_buckets) < len(BUCKET_FIELDS):
            missing.extend(f for f in BUCKET_FIELDS if f not in columns)
        if missing:
            raise ImportFileError(f"The column mapping has nothing for: {', '.join(missing)}.", line=header.line)
        return columns

    def parse(self, line: int, cells: list[str]) -> Item | None:
        columns = self.columns
        get = columns.get
        c = Cells(line, cells, self.header)
        first = cells[0]
        if not first or first.isspace() or first.lstrip()[0] in "TtGg":  # rare: blank or possibly "TOTAL"
            filled = c.filled()
            if not filled:
                return None
            label = cells[filled[0]]
            if norm(label) in _TOTAL_WORDS and not c.text(get("invoice_date")):
                # A "TOTAL" line added under the data (in whichever column comes first): checked, not imported.
                return self._total(c, filled[0])
        sep = self.context.decimal_sep
        account_name = c.text(get("account_name"))
        client_id = c.text(get("client_id")) or ("" if "client_id" in columns else account_name)
        if not client_id:
            c.error(get("client_id", get("account_name")), None, "missing client_id")
        account_name = account_name or client_id
        invoice_no = c.required_text(get("invoice_no"), "invoice number")
        invoice_date = self.dates.read(c, get("invoice_date"), required=True)
        due_date = self.dates.read(c, get("due_date"), required=False)
        snapshot_date = self.dates.read(c, get("snapshot_date"), required=False)
        outstanding = c.amount(get("total_outstanding"), sep, required=True)
        amount = c.amount(get("invoice_amount"), sep, required=True) if "invoice_amount" in columns else outstanding
        buckets = self._buckets(c, outstanding, self.context.age(invoice_date, due_date))
        currency = self._currency(c)
        if not c.ok:
            return FailedRow(line, c.issues)
        assert invoice_date is not None  # required=True and c.ok
        row = CanonicalRow(
            line=line,
            client_id=client_id,
            account_name=account_name,
            parent_name=c.text(get("parent_name")),
            invoice_no=invoice_no,
            invoice_date=invoice_date,
            due_date=due_date,
            invoice_amount=amount,
            total_outstanding=outstanding,
            days_0_30=buckets[0],
            days_31_60=buckets[1],
            days_61_90=buckets[2],
            days_91_120=buckets[3],
            days_over_120=buckets[4],
            currency=currency,
            contact_first_name=c.text(get("contact_first_name")),
            contact_last_name=c.text(get("contact_last_name")),
            contact_email=c.text(get("contact_email")),
            contact_phone=c.text(get("contact_phone")),
            snapshot_date=snapshot_date,
            document_type=document_type_from(c.text(get("document_type"))),
        )
        check_row(row, c.issues, self.bucket_sources, self.header)
        return ParsedRow(row, c.issues)

    def _buckets(self, c: Cells, outstanding: Decimal, age: int | None) -> list[Decimal]:
        if not self.compute_buckets:
            sep = self.context.decimal_sep
            i0, i1, i2, i3, i4 = self.bucket_indexes
            return [
                c.amount(i0, sep, required=False),
                c.amount(i1, sep, required=False),
                c.amount(i2, sep, required=False),
                c.amount(i3, sep, required=False),
                c.amount(i4, sep, required=False),
            ]
        buckets = [D0] * 5
        if age is not None:
            target = bucket_for_days(age)
            buckets[BUCKET_FIELDS.index(target)] = outstanding
        return buckets

    def _currency(self, c: Cells) -> str:
        index = self.columns.get("currency")
        raw = c.text(index)
        if not raw:
            return ""
        code = _currency_code(raw)
        if not code:
            c.error(index, raw, "not a 3-letter ISO currency code")
        return code

    def _total(self, c: Cells, label_index: int) -> TotalRow:
        figures = figures_from(c, self.total_groups, self.context.decimal_sep)
        return TotalRow(c.line, c.text(label_index), None, True, figures, c.issues)


SPEC = FormatSpec(
    key="canonical",
    label="Canonical CSV",
    system="",
    default_date_order=AUTO,
    matches=matches,
    make_parser=CanonicalParser,
    has_totals=False,
)
