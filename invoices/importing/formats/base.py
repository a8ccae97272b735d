"""What every format module shares: header matching, bucket columns, and turning cells into a checked row.

A format parser receives the file one CSV record at a time and returns a few *items* per record: a parsed
row (with its warnings/errors), a failed row, a section heading, or a subtotal/total row. The reader does what
needs the whole file (duplicate invoice numbers, the cross-check of the totals) from those items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import compress
from operator import call, itemgetter
from typing import Any, Protocol

from ...aging import BUCKET_BOUNDS, bucket_for_days_overdue
from ..canonical import BUCKET_FIELDS, SIGNED_DOCUMENT_TYPES, CanonicalRow, document_type_from, unapplied_reference
from ..errors import ERROR, WARNING, ImportFileError, RowIssue
from ..values import (
    AMOUNT_CACHES,
    AUTO,
    DATE_CACHES,
    DMY,
    EMPTY_AMOUNT,
    ValueProblem,
    date_cache,
    numeric_date_order,
    parse_amount,
    parse_date,
)

D0 = Decimal("0.00")  # zero with cents, so untouched buckets print like the others
CENT = Decimal("0.01")

# --------------------------------------------------------------------------------------------------------------
# Header cells


@lru_cache(maxsize=1024)  # (section names come back: heading, total row, and the reader's check of the total)
def norm(cell: str) -> str:
    """Lower-case, single-spaced text of a header cell."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def key(cell: str) -> str:
    """A header cell reduced to letters, digits and the symbols that carry meaning ("a/c", "< 1 month", "#").

    "Customer full name", "customer_full_name" and "CUSTOMER FULL NAME" all become "customerfullname".
    """
    return re.sub(r"[^a-z0-9<>+/#]", "", norm(cell))


@dataclass(frozen=True, slots=True)
class Header:
    line: int
    cells: tuple[str, ...]  # as written, stripped
    keys: tuple[str, ...]

    @classmethod
    def from_cells(cls, line: int, cells: Sequence[str]) -> Header:
        stripped = tuple(c.strip().lstrip("\ufeff") for c in cells)
        return cls(line, stripped, tuple(key(c) for c in stripped))

    def find(self, aliases: Sequence[str]) -> int | None:
        """Index of the first column whose key is one of ``aliases`` (earlier aliases win)."""
        for alias in aliases:
            if alias in self.keys:
                return self.keys.index(alias)
        return None

    def has(self, aliases: Sequence[str]) -> bool:
        return self.find(aliases) is not None


def resolve_columns(
    header: Header, roles: dict[str, Sequence[str]], required: Sequence[str], label: str
) -> dict[str, int]:
    """Map each role to a column index; a missing required role is a whole-file error naming all of them."""
    found = {role: i for role, aliases in roles.items() if (i := header.find(aliases)) is not None}
    missing = [role for role in required if role not in found]
    if missing:
        names = ", ".join(f"'{roles[r][0]}'" for r in missing)
        raise ImportFileError(f"This looks like a {label} export but it has no {names} column.", line=header.line)
    return found


# --------------------------------------------------------------------------------------------------------------
# Aging bucket columns

# Canonical buckets as ranges of days past due ("not yet due" counts as day 0): the project's one definition.
_BOUNDS = BUCKET_BOUNDS
_RANGE = re.compile(r"(\d+)\s*(?:-|–|to)\s*(\d+)(?:\s*days?)?")
_OPEN_ENDED = re.compile(
    r"(?:over|more than|>|>=|older than)\s*(\d+)(?:\s*days?)?"
    r"|(\d+)\s*(?:\+|and over|or over|and older|or more|and above)(?:\s*days?)?"
    r"|(\d+)\s*(?:\+\s*)?days?\s*(?:\+|and over|or more)"
)
_MONTHS_OR_PERIOD = re.compile(r"(\d+)\s*months?|period\s*(\d+)")
_NOT_DUE = {"current", "future", "not yet due", "not due"}
_UNDER_A_MONTH = {"< 1 month", "<1 month", "less than 1 month", "under 1 month"}
_OLDER = {"older", "older than that", "and older"}


bucket_for_days = bucket_for_days_overdue  # the bucket of a balance so many days past due


@dataclass(frozen=True, slots=True)
class AgeRange:
    """The days past due an aging column covers: "31 - 60" is (31, 60), "Over 90" is (91, None)."""

    low: int
    high: int | None  # None: open-ended

    @property
    def fixed(self) -> str | None:
        """The one canonical bucket this column feeds, or None when it straddles several ("Over 90")."""
        for lo, hi, name in _BOUNDS:
            if self.low >= lo and (hi is None or (self.high is not None and self.high <= hi)):
                return name
        return None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every canonical bucket some of this column's amounts may go to."""
        high = self.high if self.high is not None else 10**9
        return tuple(name for lo, hi, name in _BOUNDS if lo <= high and (hi is None or self.low <= hi))

    def bucket(self, age: int) -> str:
        """Where an amount of this column goes, for a row ``age`` days past due (kept within the column)."""
        age = max(age, self.low)
        if self.high is not None:
            age = min(age, self.high)
        return bucket_for_days(age)


def age_range(cell: str) -> AgeRange | None:
    """The days an aging column covers, from its header; None if it is not an aging column.

    Understands days ("1 - 30", "91 and over", "Over 90", "120+"), Xero months ("< 1 Month", "2 Months"), Sage
    periods ("Future", "Current", "Period 1".."Period 3"). "Older" is returned open-ended from 0: what it
    covers depends on the columns before it, which ``AgingColumns`` works out.
    """
    n = norm(cell)
    if n in _NOT_DUE:
        return AgeRange(0, 0)
    if n in _UNDER_A_MONTH:
        return AgeRange(1, 30)
    if n in _OLDER:
        return OLDER
    m = _MONTHS_OR_PERIOD.fullmatch(n)
    if m:
        months = int(m[1] or m[2])  # "1 Month" and Sage's "Period 1" are the month after the current one
        return AgeRange(months * 30 + 1, months * 30 + 30) if months else AgeRange(0, 30)
    m = _RANGE.fullmatch(n)
    if m:
        low, high = int(m[1]), int(m[2])
        return AgeRange(low, high) if low <= high else None
    m = _OPEN_ENDED.fullmatch(n)
    if m:
        number = int(m[1] or m[2] or m[3])
        # "Over 90" starts at 91 and so does "91 and over"; "90+" and "120+" are read like "over 90"/"over 120",
        # since aging boundaries are multiples of 30.
        return AgeRange(number + 1 if m[1] or number % 30 == 0 else number, None)
    return None


# Placeholder for "Older" until AgingColumns knows where the other columns stop.
OLDER = AgeRange(-1, None)


def count_aging_columns(header: Header) -> int:
    return sum(1 for cell in header.cells if cell and age_range(cell) is not None)


class AgingColumns:
    """The aging columns of a detail report and how their amounts go into the five canonical buckets.

    A column that fits in one bucket ("1 - 30", "Period 2") goes there. One that straddles several ("Over 90",
    or "Older" after "2 Months") is split per row by the row's age, which the format supplies (NetSuite's Age
    column, else the due date against the report date).
    """

    def __init__(self, header: Header, exclude: set[int]) -> None:
        self.header = header
        found = [(i, r) for i, cell in enumerate(header.cells) if i not in exclude and (r := age_range(cell))]
        # "Older" starts where the other columns stop (Xero: after "3 Months"; Sage: after "Period 3").
        last = max((r.high for _, r in found if r.high is not None), default=120)
        self.columns = [(i, AgeRange(last + 1, None) if r == OLDER else r) for i, r in found]
        self.fixed = [(i, r.fixed) for i, r in self.columns if r.fixed]
        self.dynamic = [(i, r) for i, r in self.columns if not r.fixed]
        # For read(): the fixed columns' cells in one call, and the position of their bucket.
        self._fixed_cells = itemgetter(*(i for i, _ in self.fixed)) if len(self.fixed) > 1 else None
        self._fixed_slots = [(i, BUCKET_FIELDS.index(name)) for i, name in self.fixed]

    @property
    def needs_age(self) -> bool:
        return bool(self.dynamic)

    def read(self, c: Cells, decimal_sep: str, age: Callable[[], int | None]) -> list[Decimal]:
        """The row's five buckets, in BUCKET_FIELDS order; ``age()`` is only asked when a straddling column holds
        an amount."""
        buckets = [D0, D0, D0, D0, D0]
        if self._fixed_cells is not None:
            # Cached amounts looked up in C; c.amount() only for the others (new, blank or not amounts).
            cached = list(map(AMOUNT_CACHES[decimal_sep].get, self._fixed_cells(c.values)))
            for k, (i, slot) in enumerate(self._fixed_slots):
                value = cached[k]
                if value is None:
                    value = c.amount(i, decimal_sep, required=False)
                if value:  # (EMPTY_AMOUNT, a blank cell, is zero)
                    buckets[slot] += value
        else:
            for i, slot in self._fixed_slots:
                value = c.amount(i, decimal_sep, required=False)
                if value:
                    buckets[slot] += value
        for i, span in self.dynamic:
            value = c.amount(i, decimal_sep, required=False)
            if value:
                days = age()
                if days is not None:
                    buckets[BUCKET_FIELDS.index(span.bucket(days))] += value
        return buckets

    def sources(self) -> dict[str, int | None]:
        """Bucket -> column index, to name the column of a bad bucket value."""
        sources: dict[str, int | None] = {}
        for i, span in self.columns:
            for name in span.fields:
                sources.setdefault(name, i)
        return sources

    def mapping(self, split_note: str) -> dict[str, str]:
        """``column_mapping`` entries: "Current + 1 - 30", "Over 90 (split ...)"."""
        sources: dict[str, list[str]] = {}
        for i, span in self.columns:
            label = self.header.cells[i] if span.fixed else f"{self.header.cells[i]} ({split_note})"
            for name in span.fields:
                sources.setdefault(name, []).append(label)
        return {name: " + ".join(labels) for name, labels in sources.items()}

    def figure_groups(self) -> list[tuple[str, tuple[str, ...], list[int]]]:
        """Figure groups for a total row: columns feeding the same bucket(s) are added up and compared together."""
        by_fields: dict[tuple[str, ...], list[int]] = {}
        for i, span in self.columns:
            by_fields.setdefault(span.fields, []).append(i)
        return [
            (" + ".join(self.header.cells[i] for i in indexes), fields, indexes)
            for fields, indexes in by_fields.items()
        ]


# --------------------------------------------------------------------------------------------------------------
# Items a parser hands to the reader


@dataclass(slots=True)
class ParsedRow:
    row: CanonicalRow
    issues: list[RowIssue]  # errors mean the row is refused (its amounts were still read)


@dataclass(slots=True)
class FailedRow:
    line: int
    issues: list[RowIssue]


@dataclass(slots=True)
class SectionStart:
    line: int
    name: str


@dataclass(frozen=True, slots=True)
class Figure:
    label: str  # the file's header(s): "Open Balance", "Current + 1 - 30"
    fields: tuple[str, ...]  # canonical fields whose sum it should equal
    value: Decimal
    text: str  # the cell(s) as written


new_figure = Figure


@dataclass(slots=True)
class TotalRow:
    line: int
    label: str  # first cell as written: "Total for Current", "TOTAL", "Totals:"
    name: str | None  # section it closes; None for the grand total or an unnamed subtotal
    grand: bool
    figures: list[Figure]
    issues: list[RowIssue] = field(default_factory=list)


# A bare CanonicalRow is a row without issues (the common case, without the ParsedRow around it).
Item = CanonicalRow | ParsedRow | FailedRow | SectionStart | TotalRow


@dataclass(frozen=True, slots=True)
class Context:
    """What a parser knows about the file besides its header."""

    as_of: date | None
    date_order: str = AUTO
    decimal_sep: str = "."
    # The report ages by invoice date ("Ageing by invoice date") rather than by due date.
    aged_by_invoice_date: bool = False

    def age(self, invoice_date: date | None, due_date: date | None) -> int | None:
        """Days past due at the report date (or since the invoice, for a report aged by invoice date)."""
        start = invoice_date if self.aged_by_invoice_date else (due_date or invoice_date)
        if self.as_of is None or start is None:
            return None
        return (self.as_of - start).days


# --------------------------------------------------------------------------------------------------------------
# Reading the cells of one row


class Cells:
    """The cells of one row (padded to the header's width), read with the issues collected rather than raised.

    Values are stripped when read, not upfront: ``str.strip()`` returns the same object when there is nothing
    to strip, so clean cells cost nothing, which matters over hundreds of thousands of rows.
    """

    __slots__ = ("header", "issues", "line", "ok", "values")

    def __init__(self, line: int, cells: list[str], header: Header) -> None:
        self.line = line
        self.header = header
        missing = len(header.cells) - len(cells)
        if missing > 0:
            cells.extend([""] * missing)  # spreadsheets drop trailing empty cells
        self.values = cells
        self.issues: list[RowIssue] = []
        self.ok = True

    def filled(self) -> list[int]:
        """Indexes of the non-empty cells."""
        return [i for i, v in enumerate(self.values) if v and not v.isspace()]

    def text(self, index: int | None) -> str:
        if index is None:
            return ""
        value = self.values[index].strip()
        if value and value[0] == "=" and value[1:2] == '"' and value[-1] == '"' and len(value) > 2:
            value = value[2:-1]  # Excel's ="00123" trick to keep leading zeros
        return value

    def error(self, index: int | None, value: str | None, message: str) -> None:
        self.ok = False
        column = self.header.cells[index] if index is not None and index < len(self.header.cells) else None
        self.issues.append(RowIssue(self.line, column, value, message, ERROR))

    def required_text(self, index: int | None, what: str) -> str:
        value = self.text(index)
        if not value:
            self.error(index, None, f"missing {what}")
        return value

    def amount(self, index: int | None, decimal_sep: str, *, required: bool) -> Decimal:
        if index is not None:
            raw = self.values[index]
            try:
                value = AMOUNT_CACHES[decimal_sep][raw]  # the common case, cached (see AmountCache)
            except ValueProblem:
                pass
            else:
                if value is not EMPTY_AMOUNT:
                    return value
            raw = raw.strip()
        else:
            raw = ""
        if not raw:
            if required:
                self.error(index, None, "missing amount")
            return D0
        try:
            return parse_amount(raw, decimal_sep=decimal_sep)
        except ValueProblem as exc:
            self.error(index, raw, str(exc))
            return D0

    def date(self, index: int | None, order: str, *, required: bool) -> date | None:
        if index is not None:
            raw = self.values[index]
            try:
                value = DATE_CACHES[order][raw]  # the common case, cached (see DateCache)
            except ValueProblem:
                value = None
            if value is not None:
                return value
            raw = raw.strip()
        else:
            raw = ""
        if not raw:
            if required:
                self.error(index, None, "missing date")
            return None
        try:
            return parse_date(raw, order)
        except ValueProblem as exc:
            self.error(index, raw, str(exc))
            return None


def is_transaction(values: list[str], invoice_no: int) -> bool:
    """True for a row of a grouped report (QuickBooks, Xero, NetSuite) that is surely a transaction, cheaply.

    That is: its invoice number and another cell before it are filled, and its first filled cell cannot read
    "total..." or "grand total..." (checked on its first character, for ASCII text). False means "look closer":
    the parser then goes through its own rules for blank lines, headings and total lines.
    """
    for i, value in enumerate(values):
        if value and not value.isspace():
            if i == invoice_no:
                return False
            first = value.lstrip()
            number = values[invoice_no]
            return first[0] not in "TtGg" and first.isascii() and bool(number) and not number.isspace()
    return False


class QuickCells:
    """The cells of a transaction row, for a format's fast path: every cell read by one C loop (lookups in the
    value caches, ``str.strip``) rather than one Cells call per cell.

    ``read(values)`` gives (values, buckets, single) for a row whose cells are all readable, or None at the first
    doubt: an "=" in a cell (maybe Excel's ="..." wrapper, see Cells.text), a date or an amount that does not read,
    an amount in an aging column to be split by age. The caller then reads the row through Cells, which reports
    what is wrong. ``values`` are the texts (stripped), then the dates (None for a blank cell), then the amounts
    (EMPTY_AMOUNT for a blank cell), in the order given; the caller knows which are required. A column given as
    None reads as a blank cell. ``buckets`` is what ``AgingColumns.read`` gives, and ``single`` the one bucket
    with an amount (None if there are several or none).
    """

    __slots__ = ("absent", "amount_of", "cells", "dynamic", "fixed", "order", "positions", "readers", "slots")

    def __init__(
        self,
        header: Header,
        context: Context,
        *,
        texts: Sequence[int | None],
        dates: Sequence[int | None],
        amounts: Sequence[int | None],
        aging: AgingColumns,
    ) -> None:
        date_of = DATE_CACHES[context.date_order].__getitem__
        self.amount_of = amount_of = AMOUNT_CACHES[context.decimal_sep].__getitem__
        fixed = [i for i, _ in aging.fixed]
        # (column, how to read it, what a blank cell reads as) for every value, in the order given.
        wanted = (
            [(i, str.strip, "") for i in texts]
            + [(i, date_of, None) for i in dates]
            + [(i, amount_of, EMPTY_AMOUNT) for i in (*amounts, *fixed)]
        )
        present = [(i, reader) for i, reader, _ in wanted if i is not None]
        columns = [i for i, _ in present]
        # (An extra copy of the first column, left out by map() below: the getter always gives a tuple.)
        self.cells = itemgetter(*columns, columns[0])
        self.readers = [reader for _, reader in present]
        # A column without a cell reads as a blank one: its value is put in its place (``order``) after the others.
        self.absent = [blank for i, _, blank in wanted if i is None]
        positions = iter(range(len(present)))
        constants = iter(range(len(present), len(wanted)))
        self.order = itemgetter(*(next(positions if i is not None else constants) for i, _, _ in wanted))
        self.fixed = len(wanted) - len(fixed)  # where the aging amounts start
        self.slots = [BUCKET_FIELDS.index(name) for _, name in aging.fixed]
        self.positions = range(len(fixed))
        dynamic = [i for i, _ in aging.dynamic]
        self.dynamic = itemgetter(*dynamic, dynamic[0]) if dynamic else None

    def read(self, values: list[str]) -> tuple[Sequence[Any], list[Decimal], Decimal | None] | None:
        cells = self.cells(values)
        if "=" in "".join(cells):
            return None
        try:
            got: Sequence[Any] = [*map(call, self.readers, cells)]  # (map stops at the shorter: the copy is left out)
            if self.dynamic is not None and any(map(self.amount_of, self.dynamic(values))):
                return None
        except ValueProblem:
            return None
        if self.absent:
            got = self.order([*got, *self.absent])
        buckets = [D0, D0, D0, D0, D0]
        start, slots = self.fixed, self.slots
        filled = [*compress(self.positions, got[start:])]  # the aging columns with an amount (EMPTY_AMOUNT is 0)
        if len(filled) == 1:  # the usual row
            slot = slots[filled[0]]
            single = buckets[slot] = D0 + got[start + filled[0]]
            return got, buckets, single
        for k in filled:
            buckets[slots[k]] += got[start + k]
        return got, buckets, None


def nonempty(cells: list[str]) -> list[int]:
    """Indexes of the non-empty cells of a raw record."""
    return [i for i, c in enumerate(cells) if c and not c.isspace()]


def amounts_of(cells: Cells, columns: Sequence[int], decimal_sep: str) -> list[Decimal]:
    return [cells.amount(i, decimal_sep, required=False) for i in columns]


class UnnumberedRows:
    """Numbers for the rows of one file, where payments and journal entries may come without one.

    QuickBooks leaves `Num` empty on payments and often on journal entries, and the user cannot change that: such
    a row is read as an unapplied credit (or debit) of its account, under a reference made from the row
    (``unapplied_reference``). An invoice without a number is still an error: it could not be chased.
    """

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[tuple, int] = {}

    @staticmethod
    def number(c: Cells, index: int | None, kind: str, what: str) -> str:
        """The row's number, or "" for a signed document without one (an error for any other row)."""
        number = c.text(index)
        if not number and kind not in SIGNED_DOCUMENT_TYPES:
            c.error(index, None, f"missing {what}")
        return number

    def reference(self, client_id: str, kind: str, invoice_date: date, amount: Decimal) -> str:
        key = (client_id, kind, invoice_date, amount)
        occurrence = self.seen.get(key, 0)
        self.seen[key] = occurrence + 1
        return unapplied_reference(client_id, kind, invoice_date, amount, occurrence)


def check_row(row: CanonicalRow, issues: list[RowIssue], bucket_sources: dict[str, int | None], header: Header) -> None:
    """Checks every format shares once a row is built: negative buckets on invoices, buckets vs outstanding."""
    buckets = (row.days_0_30, row.days_31_60, row.days_61_90, row.days_91_120, row.days_over_120)
    outstanding = row.total_outstanding
    # Written to allocate nothing for the usual row (one non-zero bucket equal to the balance): it runs per row.
    total = D0
    negative = False
    for value in buckets:
        if value:
            total = value if total is D0 else total + value
            negative = negative or value < D0
    if negative and outstanding >= D0 and row.document_type not in SIGNED_DOCUMENT_TYPES:
        for name, value in zip(BUCKET_FIELDS, buckets, strict=True):
            if value < D0:
                index = bucket_sources.get(name)
                column = header.cells[index] if index is not None else name
                issues.append(
                    RowIssue(
                        row.line,
                        column,
                        str(value),
                        f"negative amount in an aging bucket of {_describe(row)} that is not a credit",
                        ERROR,
                    )
                )
    if total != outstanding and abs(total - outstanding) > CENT:
        issues.append(
            RowIssue(
                row.line,
                None,
                None,
                f"the aging buckets add up to {total} but the outstanding balance is {outstanding}",
                WARNING,
            )
        )


def checked(
    row: CanonicalRow, issues: list[RowIssue], bucket_sources: dict[str, int | None], header: Header
) -> CanonicalRow | ParsedRow:
    """``check_row``, then the row alone when it has no issue (the common case), else with its issues."""
    check_row(row, issues, bucket_sources, header)
    return ParsedRow(row, issues) if issues else row


# document_type_from, for the cells of a row: the same few texts ("Invoice", "Credit Memo") on every row.
document_type = lru_cache(maxsize=1024)(document_type_from)


def _describe(row: CanonicalRow) -> str:
    return f"{row.document_type or 'document'} {row.invoice_no}"


def split_parent(full_name: str, separator: str = ":") -> str:
    """Parent's full name of a "Parent:Child" customer ("A:B:C" has parent "A:B"); "" without a parent."""
    parent, sep, _child = full_name.rpartition(separator)
    return parent.strip() if sep else ""


def figures_from(
    cells: Cells, groups: Sequence[tuple[str, tuple[str, ...], Sequence[int]]], decimal_sep: str
) -> list[Figure]:
    """Read the figures of a subtotal/total row: each group is (label, canonical fields, source columns).

    Groups whose cells are all empty are left out (a total row may not repeat every column).
    """
    figures = []
    amounts = AMOUNT_CACHES[decimal_sep]
    for label, fields, columns in groups:
        if len(columns) == 1:  # the usual group: the same as below, without the lists and calls
            i = columns[0]
            raw = cells.values[i]
            text = raw.strip()
            if text[:1] == "=":
                text = cells.text(i)  # (Excel's ="..." wrapper)
            if not text:
                continue
            try:
                amount = amounts[raw]
            except ValueProblem:
                amount = cells.amount(i, decimal_sep, required=False)  # reports the problem
            figures.append(new_figure(label, fields, D0 + amount, text))
            continue
        texts = [*map(cells.text, columns)]
        if not any(texts):
            continue
        value = sum(amounts_of(cells, columns, decimal_sep), D0)
        figures.append(new_figure(label, fields, value, " + ".join([t or "0" for t in texts])))
    return figures


HeaderMatcher = Callable[[Header], bool]


class DateReader:
    """Reads the dates of one file with one numeric order.

    With ``AUTO`` (canonical files) the order is unknown until the first date that can only be read one way
    ("28/02/2025"); from then on the whole file is read that way, so 03/04/2025 on a later line is not ambiguous.
    Before that, an ambiguous date is an error rather than a guess.
    """

    __slots__ = ("date_of", "order")

    def __init__(self, order: str) -> None:
        self.order = order
        # ``date_cache(order)[cell]``, for a row reader that reads its dates itself (see DateCache).
        self.date_of = date_cache(order).__getitem__

    def read(self, cells: Cells, index: int | None, *, required: bool) -> date | None:
        if self.order == AUTO and index is not None:
            raw = cells.values[index].strip()
            if len(raw) > 4 and raw[4] != "-":  # ISO dates (YYYY-...) say nothing about the numeric order
                seen = numeric_date_order(raw)
                if seen:
                    self.order = seen
                    self.date_of = date_cache(seen).__getitem__
        before = len(cells.issues)
        value = cells.date(index, self.order, required=required)
        if value is None and len(cells.issues) > before and self.order != AUTO and cells.text(index):
            issue = cells.issues[-1]
            style = "DD/MM/YYYY" if self.order == DMY else "MM/DD/YYYY"
            cells.issues[-1] = RowIssue(
                issue.line, issue.column, issue.value, f"{issue.message}; this file writes dates as {style}"
            )
        return value


class Parser(Protocol):
    """A format's reader for the records after the header row."""

    column_mapping: dict[str, str]

    def parse(self, line: int, cells: list[str]) -> Item | None:
        """What one CSV record is (None for blank lines, footers and the like)."""


@dataclass(frozen=True)
class FormatSpec:
    """A detail report layout the reader can recognise from its header row."""

    key: str  # AgingReport.format
    label: str  # AgingReport.format_label
    system: str  # "QuickBooks Online"
    default_date_order: str
    matches: HeaderMatcher
    make_parser: Callable[[Header, Context], Parser]
    # Whether the parser needs AgingReport.as_of before reading any row (to age balances itself).
    needs_as_of: Callable[[Header], bool] = lambda header: False
    has_totals: bool = True  # the export always ends with a grand total (so a missing one means truncation)


@dataclass(frozen=True)
class SummarySpec:
    """An aging summary layout of a system, refused with a pointer to the detail report."""

    system: str
    summary_report: str
    detail_report: str
    title_words: tuple[str, ...]  # lower-case phrases of the report title
    matches: HeaderMatcher


# Words of a header cell that only a per-transaction (detail) layout has.
_DETAIL_WORDS = frozenset(
    {"date", "invoice", "inv", "ref", "reference", "num", "number", "no", "document", "doc", "transaction", "type"}
)


def looks_like_summary(header: Header, invoice_number_keys: Sequence[str]) -> bool:
    """Aging columns but no invoice number, date or other per-transaction column: one row per customer.

    The test is deliberately strict about what a summary lacks, so that an unknown *detail* layout whose invoice
    column has an unusual name ("Inv #") is reported as unrecognised (and can be mapped by hand), not refused.
    """
    if header.has(invoice_number_keys):
        return False
    for cell in header.cells:
        words = set(re.findall(r"[a-z]+|#", norm(cell)))
        if words & _DETAIL_WORDS or "#" in words:
            return False
    return count_aging_columns(header) >= 2
