"""Reading the text of a report: amounts, dates, and turning uploaded bytes into decoded lines.

Amounts are ``Decimal`` from end to end: a float would turn 0.10 + 0.20 into 0.30000000000000004 and make the
cross-check against the file's own totals fail for no reason.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from itertools import chain, repeat
from typing import Any, BinaryIO

from .errors import ImportFileError

# --------------------------------------------------------------------------------------------------------------
# Amounts


class ValueProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the reason shown to the user."""


# Most cells of a real export are plain ("1250.50", "-80.00"): skip the general parser for them.
PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_SYMBOLS = {"$": "", "£": "GBP", "€": "EUR", "¥": "", "₹": "INR"}
_CODE_AFFIX = re.compile(r"^([A-Z]{3})\s*(?=[-+(\d$£€¥₹−])|(?<=[\d)])\s*([A-Z]{3})$")
_GROUP_SPACES = " \u00a0\u202f\u2009'"
_BODY = re.compile(r"[\d.,\u00a0\u202f\u2009' ]*\d[\d.,\u00a0\u202f\u2009' ]*")


def parse_amount(text: str, *, decimal_sep: str = ".") -> Decimal:
    """Read a money amount.

    Accepts currency symbols or ISO codes, thousands separators (",", ".", spaces or "'" depending on
    ``decimal_sep``), negatives written ``-80.00``, ``(120.00)``, ``80.00-`` or ``80.00 CR``.
    A lone separator followed by exactly three digits ("1,234") is read with the file's convention
    (``decimal_sep``); any other separator pattern must be unambiguous or the value is refused.
    """
    s = text.strip()
    if decimal_sep == "." and PLAIN_AMOUNT.fullmatch(s):
        return Decimal(s)
    if not s:
        raise ValueProblem("empty")
    return _parse_amount_general(s, decimal_sep)


@lru_cache(maxsize=4096)
def plain_amount(text: str) -> Decimal | None:
    """``Decimal(text)`` for a plain amount such as "-1250.50" (no symbol or separator), else None. Cached."""
    return Decimal(text) if PLAIN_AMOUNT.fullmatch(text) else None


# Cells as written (not stripped) -> the value they hold, one cache per decimal separator (amounts) or date order
# (dates), shared by every report. A report repeats the same cells on most rows ("0.00", the same few hundred
# dates), and a dict lookup is the cheapest test there is on a string; a row reader can even look up several
# cells in one C call (``map(cache.__getitem__, cells)``), the parsing happening only for a text not seen yet.
# Emptied when full rather than LRU: the bound is what matters.
CACHE_SIZE = 8192
# What an empty (or blank) amount cell reads as where it is not required: an untouched bucket. A distinct object,
# so that a reader can tell an empty cell (``is EMPTY_AMOUNT``) from a written "0.00".
EMPTY_AMOUNT = Decimal("0.00")


class AmountCache(dict[str, Decimal]):
    """Cell as written -> amount (``EMPTY_AMOUNT`` for a blank cell); ``cache[cell]`` raises ValueProblem for a
    cell that is not an amount. A successful read is exactly what ``parse_amount`` returns."""

    __slots__ = ("decimal_sep",)

    def __init__(self, decimal_sep: str) -> None:
        super().__init__()
        self.decimal_sep = decimal_sep

    def __missing__(self, raw: str) -> Decimal:
        """Read, remember and return the amount in ``raw``; also called directly by readers after a ``get``."""
        # The usual cell, "1250.50" or "-80.00": PLAIN_AMOUNT.fullmatch(raw), told faster without the regex
        # (``\d`` and ``str.isdecimal()`` both mean Unicode's decimal digits).
        whole, dot, fraction = raw.partition(".")
        if whole[:1] == "-":
            whole = whole[1:]
        if whole.isdecimal() and (fraction.isdecimal() or not dot) and self.decimal_sep == ".":
            value = Decimal(raw)
        else:
            s = raw.strip()
            if not s:
                value = EMPTY_AMOUNT
            elif self.decimal_sep != ".":
                value = _parse_amount_general(s, self.decimal_sep)
            elif PLAIN_AMOUNT.fullmatch(s):
                value = Decimal(s)
            elif m := _US_AMOUNT.fullmatch(s):
                # What _parse_amount_general makes of "1,234.56", "-$1,234.56" or "($1,234.56)", without its detours.
                number = m[2] or m[3]
                value = Decimal(number.replace(",", "") if "," in number else number)
                if m[1] or m[3]:
                    value = -value
            else:
                value = _parse_amount_general(s, self.decimal_sep)
        if len(self) >= CACHE_SIZE:
            self.clear()
        self[raw] = value
        return value


# An amount with thousands separators, a dollar sign or a sign, as US exports write it (ASCII digits only; any
# other notation goes through _parse_amount_general).
_US_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_US_AMOUNT = re.compile(rf"(-?)\$?({_US_NUMBER})|\(\$?({_US_NUMBER})\)", re.ASCII)


class _AmountCaches(dict[str, AmountCache]):
    def __missing__(self, decimal_sep: str) -> AmountCache:
        return self.setdefault(decimal_sep, AmountCache(decimal_sep))


# Decimal separator -> its cache: ``AMOUNT_CACHES[decimal_sep][cell]``.
AMOUNT_CACHES = _AmountCaches()


def amount_cache(decimal_sep: str) -> AmountCache:
    return AMOUNT_CACHES[decimal_sep]


def currency_of_amount(text: str) -> str:
    """ISO code implied by an amount's symbol or code; "" when none or ambiguous ("$" is used by many)."""
    if not text.strip("0123456789.,-"):
        return ""  # the usual cell: digits and separators only, so no symbol and no code (told without a regex)
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    m = _CODE_AFFIX.search(text.strip())
    if m:
        return m.group(1) or m.group(2)
    return ""


def _parse_amount_general(original: str, decimal_sep: str) -> Decimal:
    s = original.replace("\u2212", "-")  # Unicode minus sign, as some spreadsheets write it
    signs = 0  # "-", "(...)", a trailing "-" or "CR": one of them at most
    symbols = 0
    # Peel sign markers, symbols and codes in whatever order they were written: "-$1.00", "$(1.00)", "(1.00) CR".
    while True:
        s = s.strip()
        if not s:
            break
        m = _CODE_AFFIX.search(s)
        if m:
            s, symbols = s[: m.start()] + s[m.end() :], symbols + 1
        elif s[0] in _SYMBOLS:
            s, symbols = s[1:], symbols + 1
        elif s[-1] in _SYMBOLS:
            s, symbols = s[:-1], symbols + 1
        elif len(s) > 2 and s[0] == "(" and s[-1] == ")":
            s, signs = s[1:-1], signs + 1
        elif s[0] == "-" and len(s) > 1:
            s, signs = s[1:], signs + 1
        elif s[0] == "+" and len(s) > 1:
            s = s[1:]
        elif s[-1] == "-" and len(s) > 1:
            s, signs = s[:-1], signs + 1
        elif s[-2:].upper() == "CR" and len(s) > 2 and (s[-3].isdigit() or s[-3] == " "):
            s, signs = s[:-2], signs + 1
        else:
            break
    if signs > 1 or symbols > 1 or not _BODY.fullmatch(s):
        raise ValueProblem("not a valid amount")
    value = Decimal(_normalise_number_body(s, decimal_sep))
    return -value if signs else value


def _normalise_number_body(s: str, decimal_sep: str) -> str:
    """Turn "1.234,56" / "1 234,56" / "1,234.56" into "1234.56", refusing anything ambiguous or malformed."""
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        after = s.rsplit(sep, 1)[1]
        if s.count(sep) > 1:
            decimal = None  # "1,234,567": several of them can only be thousands separators
        elif len(after) == 3 and sep != decimal_sep:
            decimal = None  # "1,234" in a file that writes decimals with "." is one thousand two hundred...
        else:
            decimal = sep  # "12,50" cannot be a thousands separator: it is a decimal comma
    else:
        decimal = None
    if decimal is not None:
        whole, _, fraction = s.rpartition(decimal)
        if not fraction.isdigit():
            raise ValueProblem("not a valid amount")
    else:
        whole, fraction = s, ""
    grouping = {c for c in whole if not c.isdigit()}
    if grouping:
        if len(grouping - set(_GROUP_SPACES)) > 1 or (decimal and decimal in grouping):
            raise ValueProblem("ambiguous amount: write it as 1234.56")
        groups = re.split(r"[.,\u00a0\u202f\u2009' ]", whole)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValueProblem("not a valid amount (misplaced thousands separator)")
        whole = "".join(groups)
    if not whole:
        whole = "0"
    if not whole.isdigit():
        raise ValueProblem("not a valid amount")
    return f"{whole}.{fraction}" if fraction else whole


# --------------------------------------------------------------------------------------------------------------
# Dates

# Numeric day/month order: "mdy" (US systems), "dmy" (UK/AU/NZ systems), "auto" (decide per value, refuse
# ambiguous values), "ymd" is always accepted as ISO.
MDY, DMY, AUTO = "mdy", "dmy", "auto"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


class AmbiguousDate(ValueProblem):
    """A numeric date such as 03/04/2025 that could be March or April."""


def parse_date(text: str, order: str) -> date:
    """Read a date written by an accounting system; ``order`` says how to read 01/02/2025 (see MDY, DMY, AUTO)."""
    return _CACHED_DATE_PARSERS[order](text.strip())


def _parse_date(s: str, order: str) -> date:
    if not s:
        raise ValueProblem("empty")
    s = _WEEKDAY.sub("", s)
    m = _ISO.fullmatch(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC.fullmatch(s)
    if m:
        a, b, year = int(m[1]), int(m[2]), _full_year(m[3])
        if order == AUTO:
            if a > 12 >= b:
                order = DMY
            elif b > 12 >= a:
                order = MDY
            elif a == b:
                order = DMY
            else:
                raise AmbiguousDate("ambiguous date: could be day/month or month/day; use YYYY-MM-DD")
        day, month = (a, b) if order == DMY else (b, a)
        return _make_date(year, month, day)
    m = _DAY_MONTH_YEAR.fullmatch(s)
    if m and m[2].lower() in _MONTHS:
        return _make_date(_full_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = _MONTH_DAY_YEAR.fullmatch(s)
    if m and m[1].lower() in _MONTHS:
        return _make_date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    raise ValueProblem("not a valid date")


# A report repeats the same few hundred dates (and "0.00" in most cells): parsing is cached per distinct text.
# One single-argument cache per date order, because a one-argument lru_cache key is the string itself and
# costs no allocation on a hit, which matters over 500,000 rows.
_CACHED_DATE_PARSERS = {order: lru_cache(maxsize=4096)(partial(_parse_date, order=order)) for order in (MDY, DMY, AUTO)}


class NotCached(ValueProblem):
    """A date that ``DateCache`` does not answer for: see ``DateCache``."""


class DateCache(dict[str, "date | None"]):
    """Cell as written -> date (None for a blank cell), read with one order; ``cache[cell]`` raises ValueProblem
    for a cell that is not a date. A successful read is exactly what ``parse_date`` returns.

    With ``AUTO`` a date that tells the file's numeric order ("28/02/2025") raises ``NotCached``: a row reader
    must leave it to ``DateReader``, which settles the order from it. Every date the AUTO cache answers for is
    one that leaves the order unknown, so a row read from it needs nothing from DateReader.
    """

    __slots__ = ("order", "parse")

    def __init__(self, order: str) -> None:
        super().__init__()
        self.order = order
        self.parse = _CACHED_DATE_PARSERS[order]

    def __missing__(self, raw: str) -> date | None:
        s = raw.strip()
        value = self.parse(s) if s else None
        if self.order == AUTO and value is not None and numeric_date_order(s) is not None:
            raise NotCached("settles the date order")
        if len(self) >= CACHE_SIZE:
            self.clear()
        self[raw] = value
        return value


# Date order -> its cache: ``DATE_CACHES[order][cell]``.
DATE_CACHES: dict[str, DateCache] = {order: DateCache(order) for order in (MDY, DMY, AUTO)}


def date_cache(order: str) -> DateCache:
    return DATE_CACHES[order]


def numeric_date_order(text: str) -> str | None:
    """For "03/04/2025": None; for "28/02/2025": DMY; for "02/28/2025": MDY. Non-numeric dates give None."""
    m = _NUMERIC.fullmatch(text.strip())
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    if a > 12 >= b:
        return DMY
    if b > 12 >= a:
        return MDY
    return None


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"not a valid date ({exc})") from None


_DATE_IN_TEXT = re.compile(
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    r"|\d{1,2}(?:st|nd|rd|th)?[ -][A-Za-z]{3,9}\.?,?[ -]\d{4}"
    r"|[A-Za-z]{3,9}\.?[ -]\d{1,2}(?:st|nd|rd|th)?,?[ -]\d{4}"
)


def find_date(text: str, order: str) -> tuple[date, str] | None:
    """The first readable date inside a sentence ("As of February 28, 2025"), with the text it was read from."""
    for m in _DATE_IN_TEXT.finditer(text):
        try:
            return parse_date(m.group(0), order), m.group(0)
        except ValueProblem:
            continue
    return None


def order_suggested_by(text: str) -> str | None:
    """The numeric date order a report heading implies: "28 February 2025" is a day-first locale."""
    if re.match(r"\s*\d{1,2}(?:st|nd|rd|th)?[ -][A-Za-z]{3,9}", text):
        return DMY
    if re.match(r"\s*[A-Za-z]{3,9}\.?[ -]\d{1,2}\b", text):
        return MDY
    return numeric_date_order(text)


# --------------------------------------------------------------------------------------------------------------
# Bytes to lines
#
# Encoding decision, made without reading the upload twice (it may not be seekable) and without holding it:
# - the first SNIFF_BYTES are inspected: a UTF-8 BOM means UTF-8; otherwise the chunk is decoded as strict UTF-8
#   and, if that fails, taken as Windows-1252 (NUL bytes, control characters or known binary signatures mean
#   "not a CSV");
# - if that chunk was pure ASCII the choice is provisional: lines are decoded one by one and the first non-ASCII
#   line settles it (UTF-8 if it decodes as such, else Windows-1252). Everything before it was ASCII, which both
#   encodings read the same way, so nothing needs re-reading. ``encoding`` can therefore change from "utf-8" to
#   "cp1252" during iteration when the first accented letter comes late in the file;
# - a file that mixes both (a UTF-8 line in a Windows-1252 file or the reverse) is refused with the line where
#   the mix shows, rather than imported with garbled names.
# Lines are split on bytes and decoded one at a time, so a decoding problem is reported with its exact line. (A
# chunk known to hold no such problem, which is checked on the whole chunk at once, has its lines decoded in C
# without those per-line checks: see TextLines.chunks.)

SNIFF_BYTES = 64 * 1024
_READ_BYTES = 256 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024
# C0 control characters that never appear in a text CSV (tab, LF, CR, form feed and DOS EOF are tolerated).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


class TextLines:
    """Iterate a byte stream as decoded text lines, keeping their line endings (as ``csv`` expects)."""

    def __init__(self, stream: BinaryIO, *, max_bytes: int | None = None, size: int | None = None) -> None:
        self._stream = stream
        self._max_bytes = max_bytes
        self.size = size  # bytes still to read when known upfront (bytes input, seekable or Django upload)
        self._bytes_read = 0
        self.lines_read = 0
        self.first_chunk = self._read(SNIFF_BYTES)
        self.encoding = self._choose_encoding(self.first_chunk)
        # Settled once a non-ASCII line has been decoded (or from the start when the sniffed chunk was not ASCII).
        self._settled = self.encoding != "utf-8" or not self.first_chunk.isascii()
        self._codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        if self.encoding == "utf-8-sig":
            self.first_chunk = self.first_chunk[len(codecs.BOM_UTF8) :]
        # The average length of the sniffed lines (0 when unknown): to estimate the number of rows of a big file.
        newlines = self.first_chunk.count(b"\n") or self.first_chunk.count(b"\r")
        self.bytes_per_line = len(self.first_chunk) // newlines if newlines else 0

    @property
    def sample_text(self) -> str:
        """The sniffed chunk decoded (used to guess the delimiter)."""
        return self.first_chunk.decode(self._codec, errors="replace")

    def _read(self, size: int) -> bytes:
        chunk = self._stream.read(size)
        if isinstance(chunk, str):
            raise TypeError("read_report() needs bytes or a file opened in binary mode ('rb')")
        self._bytes_read += len(chunk)
        if self._max_bytes is not None and self._bytes_read > self._max_bytes:
            raise ImportFileError(f"The file is larger than the {_human_size(self._max_bytes)} limit.")
        return chunk

    @staticmethod
    def _choose_encoding(chunk: bytes) -> str:
        if not chunk.removeprefix(codecs.BOM_UTF8).strip():
            raise ImportFileError("The file is empty.")
        _refuse_known_binary(chunk)
        if chunk.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
            text = _try_decode(chunk[3:], "utf-8", final=len(chunk) < SNIFF_BYTES)
            if text is None:
                raise ImportFileError("The file starts with a UTF-8 marker but is not valid UTF-8.")
        else:
            encoding = "utf-8"
            text = _try_decode(chunk, "utf-8", final=len(chunk) < SNIFF_BYTES)
            if text is None:
                encoding = "cp1252"
                text = _try_decode(chunk, "cp1252", final=True)
            if text is None:
                raise ImportFileError("Unknown text encoding: the file is neither UTF-8 nor Windows-1252.")
        if _CONTROL.search(text):
            raise ImportFileError("This is not a CSV file (binary?): it contains control characters.")
        return encoding

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(
            map(bytes.decode, lines, repeat(codec)) if codec else lines for lines, codec, _ in self.chunks()
        )

    def chunks(self) -> Iterator[tuple[Any, str | None, bytes]]:
        """The lines, chunk by chunk, as (lines, codec, the chunk's bytes).

        When the whole chunk is known to decode without any of the problems _decode looks for, ``lines`` are the
        lines as bytes, to be decoded with ``codec`` (in C, and best just before they are used, while they are in
        the processor's cache). Else ``codec`` is None and ``lines`` is an iterator decoding them one at a time,
        so that a problem is raised at its line, after the lines before it.
        """
        # Split bytes, not text: bytes.splitlines() knows only \n, \r and \r\n (str.splitlines() would also split
        # on characters such as U+2028 inside a cell), and "\r"/"\n" never occur inside a multi-byte UTF-8 or
        # cp1252 character.
        pending = self.first_chunk
        self.first_chunk = b""
        while True:
            chunk = self._read(_READ_BYTES)
            data = pending + chunk if pending else chunk
            lines = data.splitlines(keepends=True)
            if chunk:
                # The last piece may be cut by the chunk boundary (a line ending in "\r" may be half of "\r\n").
                pending = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
                if len(pending) > MAX_LINE_BYTES:
                    raise ImportFileError(
                        f"A line is longer than {_human_size(MAX_LINE_BYTES)}: this is not a CSV report.",
                        line=self.lines_read + len(lines) + 1,
                    )
                block = data[: len(data) - len(pending)]
            else:
                block = data
            if lines:
                codec = self._codec_for(block)
                if codec is None:
                    yield self._decode_each(lines), None, block
                else:
                    # Nothing in this chunk can fail (see _codec_for): count its lines now.
                    self.lines_read += len(lines)
                    yield lines, codec, block
            if not chunk:
                return

    def _codec_for(self, block: bytes) -> str | None:
        """The codec that decodes every line of ``block`` as _decode would, or None if one of them needs _decode.

        None when _decode could raise or change ``encoding`` on one of the lines (a NUL byte, the first non-ASCII
        line of a file that was ASCII so far, a byte the encoding cannot decode, a UTF-8 sequence in cp1252).
        """
        if b"\x00" in block:
            return None
        if block.isascii():
            return "ascii"
        if not self._settled:
            return None
        if self._codec == "cp1252":
            # (bytes.translate(None, delete) keeps the bytes not listed: a scan much faster than a regex search.)
            if block.translate(None, _NOT_UTF8_LEADS) and _UTF8_SIGNATURE.search(block):
                return None
            if not block.translate(None, _NOT_C1):
                return "latin-1"  # the same characters as cp1252 without its bytes 0x80-0x9f, and decoded in C
            return None if block.translate(None, _NOT_CP1252_UNDEFINED) else "cp1252"
        try:
            block.decode(self._codec)
        except UnicodeDecodeError:
            return None
        return self._codec

    def _decode_each(self, lines: list[bytes]) -> Iterator[str]:
        for raw in lines:
            self.lines_read += 1
            yield self._decode(raw)

    def _decode(self, raw: bytes) -> str:
        if b"\x00" in raw:
            raise ImportFileError("This is not a CSV file (binary?): it contains NUL bytes.", line=self.lines_read)
        if raw.isascii():
            return raw.decode("ascii")
        if not self._settled:
            # The first non-ASCII line decides; everything before it reads the same in both encodings.
            self._settled = True
            if not _is_utf8(raw):
                self.encoding = self._codec = "cp1252"
        if self._codec == "cp1252":
            if _UTF8_SIGNATURE.search(raw) and _is_utf8(raw):
                raise ImportFileError(_MIXED, line=self.lines_read)
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"Unknown text encoding: byte 0x{raw[exc.start]:02x} is neither UTF-8 nor Windows-1252.",
                    line=self.lines_read,
                ) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(_MIXED, line=self.lines_read) from None


_MIXED = "The file mixes UTF-8 and Windows-1252 text encodings: save it again as CSV UTF-8."
# UTF-8 for an accented Latin letter, a typographic quote/dash or "€". As Windows-1252 these bytes read "Ã©",
# "â€™"... which real text does not contain: a line that has them (and is valid UTF-8) is UTF-8.
_UTF8_SIGNATURE = re.compile(rb"[\xc3-\xc9][\x80-\xbf]|\xe2\x80[\x90-\xbf]|\xe2\x82\xac")


def _all_bytes_but(listed: bytes) -> bytes:
    return bytes(b for b in range(256) if b not in listed)


# For bytes.translate(None, delete), which then leaves only the listed bytes: the first byte of a _UTF8_SIGNATURE;
# the only bytes Windows-1252 and Latin-1 decode differently (typographic quotes and dashes, "€"...); the bytes
# Windows-1252 leaves undefined (decoding them raises).
_NOT_UTF8_LEADS = _all_bytes_but(bytes(range(0xC3, 0xCA)) + b"\xe2")
_NOT_C1 = _all_bytes_but(bytes(range(0x80, 0xA0)))
_NOT_CP1252_UNDEFINED = _all_bytes_but(b"\x81\x8d\x8f\x90\x9d")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def open_lines(data: bytes | bytearray | memoryview | BinaryIO, *, max_bytes: int | None = None) -> TextLines:
    """Wrap the upload (bytes or a binary file object) into ``TextLines``; check the size first when known."""
    if isinstance(data, bytes | bytearray | memoryview):
        size: int | None = len(data)
        stream: BinaryIO = io.BytesIO(data)
    elif isinstance(data, str):
        raise TypeError("read_report() needs the file's bytes, not a str")
    else:
        stream = data
        size = _stream_size(stream)
    if max_bytes is not None and size is not None and size > max_bytes:
        raise ImportFileError(f"The file is larger than the {_human_size(max_bytes)} limit.")
    return TextLines(stream, max_bytes=max_bytes, size=size)


def _stream_size(stream: BinaryIO) -> int | None:
    size = getattr(stream, "size", None)  # Django's UploadedFile knows it
    if isinstance(size, int):
        return size
    try:
        if stream.seekable():
            here = stream.tell()
            end = stream.seek(0, io.SEEK_END)
            stream.seek(here)
            return end - here
    except (OSError, AttributeError, ValueError):
        pass
    return None


def _try_decode(chunk: bytes, encoding: str, *, final: bool) -> str | None:
    # Incremental so that a multi-byte character cut by the end of the sniffed chunk is not taken for an error.
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(chunk, final=final)
    except UnicodeDecodeError:
        return None


_MAGIC = (
    # (An .xlsx, a zip, is recognised before the text is opened: see workbook.py.)
    (b"\xd0\xcf\x11\xe0", "This is an old Excel workbook (.xls): save it as .xlsx or export the report as CSV."),
    (b"%PDF", "This is a PDF, not a CSV: export the report as CSV."),
    (b"\xff\xfe", "This file is UTF-16 text: save it as 'CSV UTF-8' instead."),
    (b"\xfe\xff", "This file is UTF-16 text: save it as 'CSV UTF-8' instead."),
)


def _refuse_known_binary(chunk: bytes) -> None:
    for magic, message in _MAGIC:
        if chunk.startswith(magic):
            raise ImportFileError(message)
    if b"\x00" in chunk:
        raise ImportFileError("This is not a CSV file (binary?): it contains NUL bytes.")


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"
