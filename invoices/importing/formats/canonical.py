"""The project's own CSV layout (one row per open invoice), also used for files mapped by hand."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import compress, repeat
from operator import is_, itemgetter, not_

from ..canonical import (
    BUCKET_FIELDS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CanonicalRow,
    document_type_from,
    new_row,
)
from ..errors import ImportFileError, RowIssue
from ..values import AUTO, CACHE_SIZE, EMPTY_AMOUNT, PLAIN_AMOUNT, ValueProblem, amount_cache
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


_document_type = lru_cache(maxsize=256)(document_type_from)


class _CurrencyCodes(dict[str, str]):
    """Cell (stripped) -> ISO code; ``codes[cell]`` raises ValueProblem for a cell that is not a currency."""

    def __missing__(self, text: str) -> str:
        if not text:
            return ""  # no currency given
        code = _currency_code(text)
        if not code:
            raise ValueProblem("not a 3-letter ISO currency code")
        if len(self) < 256:
            self[text] = code
        return code


_CURRENCY_CODES = _CurrencyCodes()
# PLAIN_AMOUNT, for cells joined by commas.
_PLAIN_COLUMN = re.compile(rf"{PLAIN_AMOUNT.pattern}(?:,{PLAIN_AMOUNT.pattern})*")


def _one_bucket(outstanding: Decimal, b0: Decimal, b1: Decimal, b2: Decimal, b3: Decimal, b4: Decimal) -> bool:
    """Whether one bucket holds the whole balance, as the same cached object: then check_row finds nothing."""
    if outstanding is b0:
        return not (b1 or b2 or b3 or b4)
    if outstanding is b1:
        return not (b0 or b2 or b3 or b4)
    if outstanding is b2:
        return not (b0 or b1 or b3 or b4)
    if outstanding is b3:
        return not (b0 or b1 or b2 or b4)
    return outstanding is b4 and not (b0 or b1 or b2 or b3)


# The order in which CanonicalParser.parse takes the cells of a row (one itemgetter call).
_TEXT_FIELDS = (
    "client_id",
    "account_name",
    "invoice_no",
    "parent_name",
    "currency",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "document_type",
)
_FAST_FIELDS = (*_TEXT_FIELDS, "invoice_date", "due_date", "snapshot_date", "total_outstanding", "invoice_amount",
                *BUCKET_FIELDS)  # fmt: skip
# First characters that send a row to the careful path: a possible "TOTAL" line, or a first cell to strip.
_SLOW_START = frozenset("TtGg") | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


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
        # For parse(): the cells of each kind in one call. A field without a column reads an extra empty cell
        # appended to the row (index ``width``), except a missing invoice_amount, which is the outstanding balance.
        self.width = width = len(header.cells)
        column = self.columns.get
        self.text_cells = itemgetter(*(column(f, width) for f in _TEXT_FIELDS))
        self.date_cells = itemgetter(*(column(f, width) for f in ("invoice_date", "due_date", "snapshot_date")))
        outstanding = self.columns["total_outstanding"]
        self.amount_cells = itemgetter(outstanding, column("invoice_amount", outstanding))
        self.bucket_cells = itemgetter(*(column(f, width) for f in BUCKET_FIELDS))
        self.has_client_id = "client_id" in self.columns
        self.all_columns = all(f in self.columns for f in _FAST_FIELDS)  # no extra empty cell needed
        amounts = amount_cache(context.decimal_sep)
        self.amount_of, self.cached_amount, self.new_amount = amounts.__getitem__, amounts.get, amounts.__missing__
        self.amounts = amounts

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
        """The row as a ``CanonicalRow`` when it is clean (the common case), else what ``_parse_checked`` makes of it.

        This path only reads rows whose every cell is readable and whose figures agree; at the first doubt (a
        cell to strip or to unwrap, an unreadable value, a possible total line) the row goes to ``_parse_checked``,
        which reads it again and reports its problems: only that one knows the messages.
        """
        width = self.width
        if len(cells) != width:
            if len(cells) > width:
                return self._parse_checked(line, cells)
            cells.extend([""] * (width - len(cells)))  # spreadsheets drop trailing empty cells
        first = cells[0]
        if not first or (first[0] in _SLOW_START and (first[0] not in "TtGg" or norm(first) in _TOTAL_WORDS)):
            return self._parse_checked(line, cells)
        if not self.all_columns:
            cells.append("")  # the cell of the fields without a column
        texts = self.text_cells(cells)
        try:
            # Dates and amounts: cached per text (see DateCache, AmountCache), several per C call. The balance is
            # the one amount usually new (the buckets are zeros and the balance again, the invoice amount often
            # the balance too): read without the detour of __missing__.
            invoice_date, due_date, snapshot_date = map(self.dates.date_of, self.date_cells(cells))
            raw, amount_raw = self.amount_cells(cells)
            outstanding = self.cached_amount(raw)
            if outstanding is None:
                outstanding = self.new_amount(raw)
            amount = outstanding if amount_raw == raw else self.amount_of(amount_raw)
            b0, b1, b2, b3, b4 = map(self.amount_of, self.bucket_cells(cells))
        except ValueProblem:
            return self._parse_checked(line, cells if self.all_columns else cells[:-1])
        if invoice_date is None or outstanding is EMPTY_AMOUNT or amount is EMPTY_AMOUNT or "=" in "".join(texts):
            # A missing required value, or maybe Excel's ="00123" (see Cells.text).
            return self._parse_checked(line, cells if self.all_columns else cells[:-1])
        (client_id, account_name, invoice_no, parent_name, currency, first_name, last_name, email, phone,
         document_type) = map(str.strip, texts)  # fmt: skip
        if not client_id:
            client_id = "" if self.has_client_id else account_name
            if not client_id:
                return self._parse_checked(line, cells if self.all_columns else cells[:-1])
        if not account_name:
            account_name = client_id
        if not invoice_no:
            return self._parse_checked(line, cells if self.all_columns else cells[:-1])
        if currency:
            try:
                currency = _CURRENCY_CODES[currency]
            except ValueProblem:
                return self._parse_checked(line, cells if self.all_columns else cells[:-1])
        if document_type:
            document_type = _document_type(document_type)
        if self.compute_buckets:
            buckets = [D0] * 5
            age = self.context.age(invoice_date, due_date)
            if age is not None:
                buckets[BUCKET_FIELDS.index(bucket_for_days(age))] = outstanding
            b0, b1, b2, b3, b4 = buckets
        row = new_row(line, client_id, account_name, parent_name, invoice_no, invoice_date, due_date, amount,
                      outstanding, b0, b1, b2, b3, b4, currency, first_name, last_name, email, phone, snapshot_date,
                      document_type)  # fmt: skip
        # check_row finds nothing when a single bucket holds the whole balance: the usual row, whose bucket cell
        # repeats the balance's text, so that both are the same cached object.
        if _one_bucket(outstanding, b0, b1, b2, b3, b4):
            return row
        issues: list[RowIssue] = []
        check_row(row, issues, self.bucket_sources, self.header)
        return ParsedRow(row, issues) if issues else row

    def parse_batch(self, records: list[tuple[int, list[str]]]) -> list[Item | None]:
        """What ``parse`` gives for each of these consecutive records, read column by column when they can be.

        A column is read in a few C calls (a regex for a whole column of balances, cache lookups, ``str.strip``)
        rather than cell by cell. That is only done when every record is a plain row of the file's width whose
        cells all read and leave the date order as it is; at the first doubt, the records go through ``parse``.
        """
        items = self._read_columns(records) if len(records) > 1 and not self.compute_buckets else None
        if items is None:
            parse = self.parse
            return [parse(line, cells) for line, cells in records]
        return items

    def _read_columns(self, records: list[tuple[int, list[str]]]) -> list[CanonicalRow | ParsedRow] | None:
        lines, rows = zip(*records, strict=True)
        if len(rows[0]) != self.width or len(set(map(len, rows))) != 1:
            return None
        n = len(rows)
        columns = list(zip(*rows, strict=True))
        blank = ("",) * n
        index = self.columns.get
        firsts = columns[0]
        if "" in firsts or not _SLOW_START.isdisjoint(map(itemgetter(0), firsts)):
            return None  # a blank first cell, one to strip, or maybe a "TOTAL" line: see parse
        texts = {}
        for name in _TEXT_FIELDS:
            i = index(name)
            if i is None:
                texts[name] = blank
            else:
                if "=" in "".join(columns[i]):
                    return None  # maybe Excel's ="00123" (see Cells.text)
                texts[name] = [*map(str.strip, columns[i])]
        invoice_numbers, accounts = texts["invoice_no"], texts["account_name"]
        clients = texts["client_id"] if self.has_client_id else accounts
        if "" in invoice_numbers or "" in clients:
            return None
        if "" in accounts:
            accounts = [account or client for account, client in zip(accounts, clients, strict=True)]
        date_of = self.dates.date_of
        amount_of = self.amount_of
        try:
            currencies = [*map(_CURRENCY_CODES.__getitem__, texts["currency"])]
            kinds = texts["document_type"]
            if index("document_type") is not None:
                kinds = [*map(_document_type, kinds)]
            invoice_dates = [*map(date_of, columns[index("invoice_date")])]
            due_dates = [*map(date_of, columns[i])] if (i := index("due_date")) is not None else (None,) * n
            snapshots = [*map(date_of, columns[i])] if (i := index("snapshot_date")) is not None else (None,) * n
            outstanding = self._amount_column(columns[index("total_outstanding")])
            # (Through the cache, just filled with the balances: an invoice amount usually repeats the balance.)
            amounts = [*map(amount_of, columns[i])] if (i := index("invoice_amount")) is not None else outstanding
            buckets = [[*map(amount_of, columns[index(name)])] for name in BUCKET_FIELDS]
        except ValueProblem:
            return None
        if None in invoice_dates or any(map(is_, outstanding, repeat(EMPTY_AMOUNT))):
            return None
        if amounts is not outstanding and any(map(is_, amounts, repeat(EMPTY_AMOUNT))):
            return None
        items: list[CanonicalRow | ParsedRow] = [
            *map(new_row, lines, clients, accounts, texts["parent_name"], invoice_numbers, invoice_dates, due_dates,
                 amounts, outstanding, *buckets, currencies, texts["contact_first_name"],
                 texts["contact_last_name"], texts["contact_email"], texts["contact_phone"], snapshots, kinds)
        ]  # fmt: skip
        for k in compress(range(n), map(not_, map(_one_bucket, outstanding, *buckets))):
            issues: list[RowIssue] = []
            check_row(items[k], issues, self.bucket_sources, self.header)  # type: ignore[arg-type]
            if issues:
                items[k] = ParsedRow(items[k], issues)  # type: ignore[arg-type]
        return items

    def _amount_column(self, cells: tuple[str, ...]) -> list[Decimal]:
        """The amounts of a column (EMPTY_AMOUNT for blank cells; ValueProblem if one is not an amount).

        A column of balances is mostly new numbers, each read once: checked by one regex over the whole column
        and converted by ``Decimal`` in C, then remembered (a bucket or the invoice amount usually repeats the
        balance: the same object then, which the check of _one_bucket relies on).
        """
        amounts = self.amounts
        if amounts.decimal_sep == ".":
            joined = ",".join(cells)
            if joined.count(",") == len(cells) - 1 and _PLAIN_COLUMN.fullmatch(joined):
                values = [*map(Decimal, cells)]  # what AmountCache gives for a plain amount
                if len(amounts) + len(cells) > CACHE_SIZE:
                    amounts.clear()
                amounts.update(zip(cells, values, strict=True))
                return values
        return [*map(amounts.__getitem__, cells)]

    def _parse_checked(self, line: int, cells: list[str]) -> Item | None:
        """Any row, reporting every problem with its cell."""
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
