"""Entry point: recognise an uploaded aging report from its content and stream it as canonical rows.

``read_report`` reads only the preamble and the header before returning; rows are decoded, parsed and checked
one at a time while the caller iterates the returned ``AgingReport``. What needs the whole file is kept small:
running sums for the cross-check of the file's own totals. Repeated invoice numbers are found in the staged rows
(``plan.staged_duplicates``), where both lines' values are at hand to tell the kinds of repeat apart.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import chain, compress, count, repeat, starmap
from operator import add, gt
from typing import BinaryIO

from .canonical import AMOUNT_FIELDS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CanonicalRow, ContactRow
from .errors import ERROR, WARNING, ImportFileError, RowIssue, SummaryReportError, UnrecognisedHeaderError, listed
from .formats import DETAIL_FORMATS, SUMMARY_FORMATS, FormatSpec, SummarySpec, contact_list, netsuite, quickbooks
from .formats import canonical as canonical_format
from .formats import sage as sage_format
from .formats import xero as xero_format
from .formats.base import (
    D0,
    Context,
    FailedRow,
    Header,
    Item,
    ParsedRow,
    Parser,
    SectionStart,
    TotalRow,
    key,
    looks_like_summary,
    norm,
)
from .values import (
    AUTO,
    TextLines,
    ValueProblem,
    find_date,
    open_lines,
    order_suggested_by,
    parse_amount,
    parse_date,
)
from .workbook import Workbook, peek_workbook

Source = bytes | bytearray | memoryview | BinaryIO
Record = tuple[int, list[str]]

# How far to look for the header row: report preambles are a handful of lines.
HEADER_SEARCH_RECORDS = 40
# More columns than any report has: such a file is refused rather than offered for mapping by hand (its header
# would be stored with the import and shown as one mapping field per column).
MAX_MAPPABLE_COLUMNS = 500
# Records handed at once to a parser that reads them column by column (CanonicalParser.parse_batch).
PARSE_BATCH = 256
_HALF_CENT = Decimal("0.005")
# Any column that could hold an invoice number: a header without one is a summary, whoever exported it.
INVOICE_NUMBER_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(
        itertools.chain(
            ["invoiceno"], *(m.ROLES["invoice_no"] for m in (quickbooks, xero_format, netsuite, sage_format))
        )
    )
)
MAPPABLE_FIELDS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


# --------------------------------------------------------------------------------------------------------------
# Public API


def read_report(
    data: Source,
    *,
    file_name: str = "",
    as_of: date | None = None,
    column_mapping: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> AgingReport:
    """Recognise the report in ``data`` and return it ready to be iterated.

    Raises ``ImportFileError`` (or its subclasses ``SummaryReportError``/``UnrecognisedHeaderError``) for
    problems with the whole file found before the first row; problems found later in a huge file (a NUL byte,
    an unclosed quote, a mixed encoding, the size limit of a stream of unknown size) are raised during iteration.
    ``file_name`` is only kept for the caller: the format is recognised from the content.
    ``column_mapping`` (canonical field -> header of the file) reads a file no known layout matches.
    """
    if column_mapping is not None:
        column_mapping = _check_mapping(column_mapping)
    records, lines, delimiter, sheet = _open_records(data, max_bytes)
    try:
        preamble, header, spec = _find_header(records, column_mapping)
    except ImportFileError as exc:
        exc.sheet = sheet
        raise

    found = _as_of_in_preamble(preamble, spec.default_date_order)
    initial_issues: list[RowIssue] = []
    report_as_of = as_of
    date_order = spec.default_date_order
    if found:
        report_as_of, line, written = found
        if spec.default_date_order != AUTO:
            date_order = order_suggested_by(written) or date_order
        if as_of is not None and as_of != report_as_of:
            initial_issues.append(
                RowIssue(
                    line,
                    None,
                    written,
                    f"the report is dated {report_as_of.isoformat()} but {as_of.isoformat()} was given as its date; "
                    "using the report's date",
                    WARNING,
                )
            )
    if report_as_of is None and spec is canonical_format.SPEC:
        report_as_of, records = _peek_snapshot_date(records, header, column_mapping)
    if report_as_of is None and spec.needs_as_of(header):
        raise ImportFileError(
            f"This {spec.label} report has no 'As of' date in its heading, which is needed to age its balances: "
            "pass the report date (as_of)."
        )

    context = Context(
        as_of=report_as_of,
        date_order=date_order,
        decimal_sep="," if delimiter == ";" else ".",
        aged_by_invoice_date=_aged_by_invoice_date(preamble),
    )
    if spec is canonical_format.SPEC:
        parser: Parser = canonical_format.CanonicalParser(header, context, column_mapping)
    else:
        parser = spec.make_parser(header, context)
    label = spec.label if column_mapping is None else "CSV with columns mapped by hand"
    if sheet is not None:
        label = f"{label} (sheet '{sheet}')"
    return AgingReport(
        format=spec.key,
        format_label=label,
        lines=lines,
        as_of=report_as_of,
        header=header,
        column_mapping=dict(parser.column_mapping),
        parser=parser,
        records=records,
        expects_grand_total=spec.has_totals,
        initial_issues=initial_issues,
        file_name=file_name,
        preamble=[" ".join(c.strip() for c in cells if c.strip()) for _, cells in preamble],
        sheet=sheet,
    )


def read_contact_list(
    data: Source, *, file_name: str = "", max_bytes: int | None = None
) -> Iterator[ContactRow | RowIssue]:
    """Stream the customers of a contact list (QuickBooks "Customer Contact List" or a canonical contacts CSV).

    The header is located before this returns, so an unreadable or wrong file raises ``ImportFileError`` here.
    """
    del file_name  # accepted for symmetry with read_report; the layout is recognised from the content
    records, _, _, sheet = _open_records(data, max_bytes)
    try:
        rows = _contact_list(records)
        if sheet is None:
            return rows
        return (replace(item, sheet=sheet) if type(item) is RowIssue else item for item in rows)
    except ImportFileError as exc:
        exc.sheet = sheet
        raise


def _open_records(
    data: Source, max_bytes: int | None
) -> tuple[Iterator[Record], TextLines | Workbook, str, str | None]:
    """The file's records whether it is CSV text or an Excel workbook, with its source, delimiter and sheet."""
    is_workbook, data = peek_workbook(data)
    if is_workbook:
        book = Workbook(data, max_bytes=max_bytes)
        return book.records(), book, ",", book.sheet
    lines = open_lines(data, max_bytes=max_bytes)
    delimiter = sniff_delimiter(lines.sample_text)
    return iter_records(lines, delimiter), lines, delimiter, None


def _contact_list(records: Iterator[Record]) -> Iterator[ContactRow | RowIssue]:
    candidate: Record | None = None
    for number, (line, cells) in enumerate(records):
        if number >= HEADER_SEARCH_RECORDS:
            break
        if not any(c.strip() for c in cells):
            continue
        header = Header.from_cells(line, cells)
        if contact_list.matches(header):
            return _contacts(contact_list.ContactListParser(header), records)
        if any(spec.matches(header) for spec in DETAIL_FORMATS) or looks_like_summary(header, INVOICE_NUMBER_KEYS):
            raise ImportFileError("This is an aging report, not a contact list.", line=line)
        if candidate is None and _looks_like_header(cells):
            candidate = (line, cells)
    if candidate is None:
        raise ImportFileError(f"No header row found in the first {HEADER_SEARCH_RECORDS} lines.")
    line, cells = candidate
    raise UnrecognisedHeaderError(
        "No customer or contact columns recognised in the header: " + ", ".join(c.strip() for c in cells if c.strip()),
        headers=[c.strip() for c in cells],
        line=line,
    )


def _contacts(parser: contact_list.ContactListParser, records: Iterator[Record]) -> Iterator[ContactRow | RowIssue]:
    for line, cells in records:
        yield from parser.parse(line, cells)


class AgingReport:
    """A recognised report, streamed once by iterating it.

    Iteration yields ``CanonicalRow`` for every readable row and ``RowIssue`` for problems, in file order: a row
    with an error is replaced by its issues; a row with only warnings is followed by them. ``total_issues()``
    then gives the cross-check of the file's subtotal and total rows against the rows read.
    """

    def __init__(
        self,
        *,
        format: str,
        format_label: str,
        lines: TextLines | Workbook,
        as_of: date | None,
        header: Header,
        column_mapping: dict[str, str],
        parser: Parser,
        records: Iterator[Record],
        expects_grand_total: bool,
        initial_issues: list[RowIssue],
        file_name: str = "",
        preamble: list[str] | None = None,
        sheet: str | None = None,
    ) -> None:
        self.format = format
        self.format_label = format_label
        self.as_of = as_of
        self.header_line = header.line
        self.headers = list(header.cells)
        self.column_mapping = column_mapping
        self.file_name = file_name
        self.preamble = preamble or []
        self.sheet = sheet
        self._lines = lines
        self._parser = parser
        self._records = records
        self._expects_grand_total = expects_grand_total
        self._initial_issues = initial_issues
        self._totals = _TotalsChecker()
        self._state = "ready"

    @property
    def encoding(self) -> str:
        """The text encoding: utf-8, utf-8-sig or cp1252 (an ASCII start may turn out to be cp1252: see values.py)."""
        return self._lines.encoding

    def __iter__(self) -> Iterator[CanonicalRow | RowIssue]:
        if self._state != "ready":
            raise RuntimeError("An AgingReport streams its file: it can be iterated only once.")
        self._state = "iterating"
        if self.sheet is None:
            return self._iterate()
        return (replace(item, sheet=self.sheet) if type(item) is RowIssue else item for item in self._iterate())

    def _iterate(self) -> Iterator[CanonicalRow | RowIssue]:
        yield from self._initial_issues
        totals = self._totals
        parse_batch = getattr(self._parser, "parse_batch", None)
        if parse_batch is None:
            items: Iterator[Item | None] = starmap(self._parser.parse, self._records)
        else:  # a parser that reads several records at a time (see CanonicalParser.parse_batch)
            items = chain.from_iterable(map(parse_batch, _batches(self._records, PARSE_BATCH)))
        add_row = totals.add_row
        stack = totals.stack  # (the same list all along)
        counting = True  # no grand total seen yet
        for item in items:
            kind = type(item)
            if kind is CanonicalRow:  # a row without issues (most of them)
                row = item
                issues = None
            elif kind is ParsedRow:
                row = item.row
                issues = item.issues
            else:
                if kind is FailedRow:
                    totals.add_failed()
                    yield from item.issues
                elif kind is SectionStart:
                    totals.section(item)
                elif kind is TotalRow:
                    yield from item.issues
                    totals.total(item)
                    counting = totals.grand_total_line is None
                continue
            # Counted in the totals even if refused below (duplicate, negative bucket): its figures were read
            # correctly, and the file's own totals include it.
            if counting:  # totals.add_row(row), inlined (but for the rows after a grand total)
                amount, outstanding = row.invoice_amount, row.total_outstanding
                b0, b1, b2, b3 = row.days_0_30, row.days_31_60, row.days_61_90, row.days_91_120
                b4 = row.days_over_120
                for frame in stack:
                    frame_sums = frame.sums
                    if amount:
                        frame_sums[0] += amount
                    if outstanding:
                        frame_sums[1] += outstanding
                    if b0:
                        frame_sums[2] += b0
                    if b1:
                        frame_sums[3] += b1
                    if b2:
                        frame_sums[4] += b2
                    if b3:
                        frame_sums[5] += b3
                    if b4:
                        frame_sums[6] += b4
                    frame.rows += 1
            else:
                add_row(row)
            if not issues:
                yield row
            elif any(issue.severity == ERROR for issue in issues):
                yield from issues
            else:
                yield row
                yield from issues
        self._state = "done"

    def total_issues(self) -> list[RowIssue]:
        """Problems with the file's subtotal/total rows; available once the rows have been iterated to the end."""
        if self._state != "done":
            raise RuntimeError("total_issues() is available once the report has been iterated to the end.")
        issues = [replace(issue, sheet=self.sheet) for issue in self._totals.issues]
        if self._totals.rows_read == 0 and self._totals.rows_failed == 0:
            issues.append(RowIssue(None, None, None, "the file has a header but no invoice rows", WARNING))
        elif self._expects_grand_total and self._totals.grand_total_line is None:
            issues.append(
                RowIssue(None, None, None, "no TOTAL row found: the export may be incomplete (cut short?)", WARNING)
            )
        if self._totals.rows_after_grand_total:
            issues.append(
                RowIssue(
                    self._totals.grand_total_line,
                    None,
                    None,
                    f"{self._totals.rows_after_grand_total} row(s) come after the TOTAL row and are not part of it",
                    WARNING,
                    self.sheet,
                )
            )
        return issues


def _batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    """``records`` in lists of ``size``; a problem raised while reading them comes after the records before it."""
    while True:
        batch: list[Record] = []
        try:
            batch.extend(itertools.islice(records, size))  # (keeps the records read before an exception)
        except BaseException:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch


# --------------------------------------------------------------------------------------------------------------
# Records and header


def sniff_delimiter(sample: str) -> str:
    """A comma, unless the start of the file clearly uses ";" (European Excel) or tabs."""
    lines = sample.splitlines()[:50]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def iter_records(lines: TextLines, delimiter: str) -> Iterator[Record]:
    """(first physical line, cells) of every CSV record; a quoted cell may span several lines."""
    return chain.from_iterable(_Records(lines, delimiter).groups())


class _Records:
    """Splits decoded lines into CSV records, a chunk of the file at a time.

    A line without any quote is split with ``str.split``: the csv module would also only split it at the
    delimiters, and drop the line ending (a blank line is []). A chunk of such lines is even split by C
    iterators alone, with no Python code per line. A line with a quote, or long enough for a cell to exceed the
    csv module's field limit, goes through ``csv``, which reads the rest of the record's lines itself, from this
    object (``__next__``).
    """

    def __init__(self, lines: TextLines, delimiter: str) -> None:
        self.chunks = lines.chunks()
        self.delimiter = delimiter
        self.limit = csv.field_size_limit()
        self.line = 1  # the number of the next line
        self.current: Iterator[str] = iter(())  # the lines being read one by one
        self.pending: str | None = None  # the line handed to the csv module
        self.reader = csv.reader(self, delimiter=delimiter)

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> str:
        """The next line for the csv module: the line handed to it, then the following ones."""
        text = self.pending
        if text is not None:
            self.pending = None
            return text
        for text in self.current:
            return text
        # The record goes on in the next chunk (StopIteration: the end of the file).
        lines, codec, _ = next(self.chunks)
        self.current = map(bytes.decode, lines, repeat(codec)) if codec else lines
        return next(self)

    def groups(self) -> Iterator[Iterable[Record]]:
        delimiter, limit = self.delimiter, self.limit
        while True:
            yield self._one_by_one()  # what is left of the lines being read one by one
            chunk = next(self.chunks, None)
            if chunk is None:
                return
            lines, codec, raw = chunk
            if codec is None:  # decoded one by one, so that a problem is raised at its line
                self.current = lines
            elif b'"' not in raw and max(map(len, lines)) <= limit:
                # No quote, no line longer than the field limit (in bytes, at least as many as characters): split
                # in C, but for blank lines (csv's []).
                yield from self._split(lines, codec)
            else:
                # The csv module on the whole chunk, in C: what it reads if no record spans several lines (one
                # record per line), which a quoted line ending or starting a multi-line value would break. Else
                # (or on a CSV error) the chunk is read again one line at a time, by the csv module of __next__.
                try:
                    records = list(csv.reader(map(bytes.decode, lines, repeat(codec)), delimiter=delimiter))
                except csv.Error:
                    records = None
                # One record per line, and the last one complete: a quoted value still open at the end of the
                # chunk (it goes on in the next one) is where the csv module put the line ending.
                if (
                    records is not None
                    and len(records) == len(lines)  # type: ignore[arg-type]
                    and not (records and records[-1] and records[-1][-1].endswith(("\n", "\r")))
                ):
                    yield zip(count(self.line), records)
                    self.line += len(records)
                else:
                    self.current = map(bytes.decode, lines, repeat(codec))

    def _split(self, lines: list[bytes], codec: str) -> Iterator[Iterable[Record]]:
        delimiter, line = self.delimiter, self.line
        self.line += len(lines)
        # Lines of 2 bytes at most: blank ones among them (b"\n", b"\r\n"), split one by one (csv gives []).
        short = [*compress(count(), map(gt, repeat(3), map(len, lines)))] if min(map(len, lines)) < 3 else []
        start = 0
        for i in [*short, len(lines)]:
            if i > start:  # (lazily: a line is decoded and split when its record is read, while in the cache)
                texts = map(bytes.decode, lines[start:i], repeat(codec))
                bodies = map(str.rstrip, texts, repeat("\r\n"))
                yield zip(count(line + start), map(str.split, bodies, repeat(delimiter)))
            if i < len(lines):
                body = lines[i].decode(codec).rstrip("\r\n")
                yield ((line + i, body.split(delimiter) if body else []),)
            start = i + 1

    def _one_by_one(self) -> Iterator[Record]:
        delimiter, limit, reader = self.delimiter, self.limit, self.reader
        while True:
            lines = self.current
            for text in lines:
                line = self.line
                self.line += 1
                if '"' not in text and len(text) <= limit:
                    body = text.rstrip("\r\n")
                    yield line, body.split(delimiter) if body else []
                    continue
                self.pending = text
                before = reader.line_num
                try:
                    cells = next(reader)
                except csv.Error as exc:
                    message = str(exc)
                    if "field larger than field limit" in message:
                        message = "a quoted value never ends (unbalanced quote?)"
                    raise ImportFileError(f"This file cannot be read as CSV: {message}.", line=line) from None
                self.line += reader.line_num - before - 1  # the record's other lines
                yield line, cells
            if self.current is lines:  # else the csv module went on into the next chunk: read the rest of it
                return


def _find_header(
    records: Iterator[Record], column_mapping: dict[str, str] | None
) -> tuple[list[Record], Header, FormatSpec]:
    preamble: list[Record] = []
    candidate: Record | None = None
    wanted = {key(source) for source in column_mapping.values()} if column_mapping else set()
    seen: set[str] = set()
    for line, cells in itertools.islice(records, HEADER_SEARCH_RECORDS):
        if not any(c.strip() for c in cells):
            continue
        header = Header.from_cells(line, cells)
        if column_mapping is not None:
            if wanted <= set(header.keys):
                return preamble, header, canonical_format.SPEC
            seen.update(header.keys)
        else:
            for spec in DETAIL_FORMATS:
                if spec.matches(header):
                    return preamble, header, spec
            if looks_like_summary(header, INVOICE_NUMBER_KEYS):
                raise _summary_error(_summary_system(header, preamble), line)
            if contact_list.matches(header):
                raise ImportFileError(
                    "This is a customer contact list, not an aging report: import it as contacts.", line=line
                )
        if candidate is None and _looks_like_header(cells):
            candidate = (line, cells)
        preamble.append((line, cells))
    titled = _summary_by_title(preamble)
    if titled is not None:
        raise _summary_error(titled, None)
    if column_mapping is not None:
        absent = [source for source in column_mapping.values() if key(source) not in seen]
        if absent:
            raise ImportFileError(f"The mapped column(s) {listed(repr(a) for a in absent)} are not in the file.")
        raise ImportFileError("No single header row has all the mapped columns.")
    if candidate is None:
        raise ImportFileError(f"No header row found in the first {HEADER_SEARCH_RECORDS} lines.")
    line, cells = candidate
    headers = [c.strip() for c in cells]
    if len(headers) > MAX_MAPPABLE_COLUMNS:
        raise ImportFileError(
            f"This file has {len(headers):,} columns; no report we read has more than {MAX_MAPPABLE_COLUMNS}.",
            line=line,
        )
    raise UnrecognisedHeaderError(
        "The columns of this file are not those of a known report: " + listed(h for h in headers if h) + ". "
        "Map them to the import fields by hand.",
        headers=headers,
        line=line,
    )


def _looks_like_header(cells: list[str]) -> bool:
    """At least two cells, none of them a number or a date: the likely header of an unknown layout."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    for cell in filled:
        try:
            parse_amount(cell)
            return False
        except ValueProblem:
            pass
        try:
            parse_date(cell, AUTO)
            return False
        except ValueProblem:
            pass
    return True


def _check_mapping(mapping: dict[str, str]) -> dict[str, str]:
    unknown = sorted(f for f in mapping if f not in MAPPABLE_FIELDS)
    if unknown:
        raise ImportFileError(
            f"Unknown import field(s) in the column mapping: {', '.join(unknown)}. "
            f"Known fields: {', '.join(MAPPABLE_FIELDS)}."
        )
    cleaned = {f: s for f, s in mapping.items() if s and s.strip()}
    if not cleaned:
        raise ImportFileError("The column mapping is empty.")
    return cleaned


# --------------------------------------------------------------------------------------------------------------
# Preamble: report date and summary titles

_AS_OF_LABELS = (
    re.compile(r"\breport\s+date\b\s*:?(.*)", re.IGNORECASE),
    re.compile(r"\b(?:as\s+(?:of|at)|ag(?:e?)ing\s+date|aged\s+(?:as\s+)?(?:of|at|to))\b\s*:?(.*)", re.IGNORECASE),
    re.compile(r"^\s*date\b\s*:?(.*)", re.IGNORECASE),
)


def _as_of_in_preamble(preamble: list[Record], order: str) -> tuple[date, int, str] | None:
    """The report date from the lines above the header, with its line and the date as written.

    "Report Date:" wins over "As of"/"As at", which wins over a bare "Date:" (Sage prints both "Date:", the
    day it was printed, and "Report Date:", the day it is aged to).
    """
    best: tuple[int, date, int, str] | None = None
    for line, cells in preamble:
        text = " ".join(c.strip() for c in cells if c.strip())
        for rank, pattern in enumerate(_AS_OF_LABELS):
            m = pattern.search(text)
            if not m:
                continue
            found = find_date(m.group(1), order)
            if found and (best is None or rank < best[0]):
                best = (rank, found[0], line, found[1])
            break
    return (best[1], best[2], best[3]) if best else None


_AGED_BY_INVOICE_DATE = re.compile(r"\bag(?:e?ing|ed) by (?:invoice|transaction) date\b", re.IGNORECASE)


def _aged_by_invoice_date(preamble: list[Record]) -> bool:
    """Xero says "Ageing by invoice date" when set up that way (the default is by due date)."""
    return any(_AGED_BY_INVOICE_DATE.search(cell) for _, cells in preamble for cell in cells)


def _summary_by_title(preamble: list[Record]) -> SummarySpec | None:
    text = " ".join(norm(c) for _, cells in preamble for c in cells if c.strip())
    for spec in SUMMARY_FORMATS:
        if any(words in text for words in spec.title_words):
            return spec
    return None


def _summary_system(header: Header, preamble: list[Record]) -> SummarySpec | None:
    for spec in SUMMARY_FORMATS:
        if spec.matches(header):
            return spec
    return _summary_by_title(preamble)


def _summary_error(spec: SummarySpec | None, line: int | None) -> SummaryReportError:
    if spec is None:
        return SummaryReportError(
            "This is an aging summary (one line per customer, without invoices), which cannot be imported. "
            "Export the detailed report instead: QuickBooks 'A/R Aging Detail', Xero 'Aged Receivables Detail', "
            "NetSuite 'A/R Aging Detail' or Sage 50 'Aged Debtors Analysis (Detailed)'.",
            system="",
            detail_report="",
            line=line,
        )
    return SummaryReportError(
        f"This is a {spec.system} '{spec.summary_report}' report: it has one line per customer and no invoices, "
        f"so it cannot be imported. In {spec.system}, run the '{spec.detail_report}' report for the same date and "
        "export it as CSV.",
        system=spec.system,
        detail_report=spec.detail_report,
        line=line,
    )


def _peek_snapshot_date(
    records: Iterator[Record], header: Header, column_mapping: dict[str, str] | None
) -> tuple[date | None, Iterator[Record]]:
    """A canonical file's date is its snapshot_date column: read it from the first row, then put the row back."""
    source = column_mapping.get("snapshot_date") if column_mapping else "snapshot_date"
    index = header.find((key(source),)) if source else None
    if index is None:
        return None, records
    peeked: list[Record] = []
    for record in records:
        peeked.append(record)
        cells = record[1]
        if any(c.strip() for c in cells):
            break
    as_of = None
    if peeked and index < len(peeked[-1][1]):
        try:
            as_of = parse_date(peeked[-1][1][index], AUTO)
        except ValueProblem:
            as_of = None
    return as_of, itertools.chain(peeked, records)


# --------------------------------------------------------------------------------------------------------------
# Cross-check of the file's own totals


class _Frame:
    """Running sums of a section of the report (or of the whole file, for the bottom frame)."""

    __slots__ = ("failed", "key", "line", "mark", "mark_failed", "mark_rows", "name", "rows", "sums")

    def __init__(self, name: str | None, line: int | None, key: str | None = None) -> None:
        self.name = name
        self.key = (key if key is not None else norm(name)) if name else ""
        self.line = line
        self.sums = [D0] * len(AMOUNT_FIELDS)
        self.rows = 0
        self.failed = 0
        # What a subtotal without its own heading (NetSuite "Total - X" with no "X" row) covers is the rows added
        # since this frame's previous such subtotal, minus those of nested sections: sums - mark.
        self.mark = [D0] * len(AMOUNT_FIELDS)
        self.mark_rows = 0
        self.mark_failed = 0

    def exclude(self, child: _Frame) -> None:
        """Leave a nested section's rows out of this frame's pending rows (they had their own total)."""
        self.mark = list(map(add, self.mark, child.sums))  # (both of len(AMOUNT_FIELDS))
        self.mark_rows += child.rows
        self.mark_failed += child.failed


_FIELD_INDEX = {f: i for i, f in enumerate(AMOUNT_FIELDS)}


class _TotalsChecker:
    """Compares every subtotal/total row of the file with the sum of the rows it covers.

    Headings open sections and "Total ..." rows close them, possibly nested (a NetSuite parent customer's total
    includes its sub-customers). A heading nests in the open section only when its name extends it
    ("Parent:Child" under "Parent"); otherwise it replaces it, so the stack stays shallow.
    """

    def __init__(self) -> None:
        self.stack = [_Frame(None, None)]
        self.issues: list[RowIssue] = []
        self.grand_total_line: int | None = None
        self.rows_after_grand_total = 0

    @property
    def rows_read(self) -> int:
        return self.stack[0].rows  # the bottom frame is the whole file's

    @property
    def rows_failed(self) -> int:
        return self.stack[0].failed

    def add_row(self, row: CanonicalRow) -> None:
        if self.grand_total_line is not None:
            self.rows_after_grand_total += 1
        # Unrolled, and zeros skipped (most buckets are zero): this runs for every row of the file.
        amount, outstanding = row.invoice_amount, row.total_outstanding
        b0, b1, b2, b3, b4 = row.days_0_30, row.days_31_60, row.days_61_90, row.days_91_120, row.days_over_120
        for frame in self.stack:
            sums = frame.sums
            if amount:
                sums[0] += amount
            if outstanding:
                sums[1] += outstanding
            if b0:
                sums[2] += b0
            if b1:
                sums[3] += b1
            if b2:
                sums[4] += b2
            if b3:
                sums[5] += b3
            if b4:
                sums[6] += b4
            frame.rows += 1

    def add_failed(self) -> None:
        for frame in self.stack:
            frame.failed += 1

    def section(self, heading: SectionStart) -> None:
        name_key = norm(heading.name)
        while len(self.stack) > 1 and not name_key.startswith(self.stack[-1].key + ":"):
            self._pop_to(len(self.stack) - 1)
        self.stack.append(_Frame(heading.name, heading.line, name_key))

    def _pop_to(self, depth: int) -> _Frame:
        """Close the frames from ``depth`` up; returns the outermost one closed."""
        closed = self.stack[depth]
        del self.stack[depth:]
        self.stack[-1].exclude(closed)
        return closed

    def total(self, total: TotalRow) -> None:
        if total.grand:
            base = self.stack[0]
            if self.grand_total_line is None:
                self.grand_total_line = total.line
            self._compare(total, base.sums, base.rows, base.failed, "in the file")
            del self.stack[1:]
            return
        if total.name is not None:
            wanted = norm(total.name)
            for depth in range(len(self.stack) - 1, 0, -1):
                if self.stack[depth].key == wanted:
                    frame = self._pop_to(depth)
                    self._compare(total, frame.sums, frame.rows, frame.failed, f"under '{frame.name}'")
                    return
        elif len(self.stack) > 1:
            frame = self._pop_to(len(self.stack) - 1)
            self._compare(total, frame.sums, frame.rows, frame.failed, f"under '{frame.name}'")
            return
        top = self.stack[-1]
        pending = [a - b for a, b in zip(top.sums, top.mark, strict=True)]
        rows, failed = top.rows - top.mark_rows, top.failed - top.mark_failed
        self._compare(total, pending, rows, failed, "since the previous total")
        top.mark, top.mark_rows, top.mark_failed = list(top.sums), top.rows, top.failed

    def _compare(self, total: TotalRow, sums: list[Decimal], rows: int, failed: int, scope: str) -> None:
        for figure in total.figures:
            fields = figure.fields
            if len(fields) == 1:
                value = sums[_FIELD_INDEX[fields[0]]]
                if value == figure.value:
                    continue  # (the usual case, told without the arithmetic below)
                expected = D0 + value  # what the sum below gives, without the generator
            else:
                expected = sum((sums[_FIELD_INDEX[f]] for f in fields), D0)
            if abs(expected - figure.value) < _HALF_CENT:
                continue
            message = (
                f"the '{total.label}' row says {figure.label} = {figure.value:,.2f}, but the {rows} row(s) {scope} "
                f"add up to {expected:,.2f} (difference {figure.value - expected:,.2f})"
            )
            if failed:
                message += f"; {failed} row(s) there could not be read (see their errors)"
            self.issues.append(RowIssue(total.line, figure.label, figure.text, message, ERROR))
