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
from typing import BinaryIO

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


def currency_of_amount(text: str) -> str:
    """ISO code implied by an amount's symbol or code; "" when none or ambiguous ("$" is used by many)."""
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
# Lines are split on bytes and decoded one at a time, so a decoding problem is reported with its exact line.

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
        for raw in self._raw_lines():
            self.lines_read += 1
            yield self._decode(raw)

    def _raw_lines(self) -> Iterator[bytes]:
        # Split bytes, not text: bytes.splitlines() knows only \n, \r and \r\n (str.splitlines() would also split
        # on characters such as U+2028 inside a cell), and "\r"/"\n" never occur inside a multi-byte UTF-8 or
        # cp1252 character.
        pending = self.first_chunk
        self.first_chunk = b""
        while True:
            chunk = self._read(_READ_BYTES)
            data = pending + chunk if pending else chunk
            if not chunk:
                yield from data.splitlines(keepends=True)
                return
            lines = data.splitlines(keepends=True)
            # The last piece may be cut by the chunk boundary (a line ending in "\r" may be half of "\r\n").
            pending = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
            if len(pending) > MAX_LINE_BYTES:
                raise ImportFileError(
                    f"A line is longer than {_human_size(MAX_LINE_BYTES)}: this is not a CSV report.",
                    line=self.lines_read + len(lines) + 1,
                )
            yield from lines

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
    (b"PK\x03\x04", "This is an Excel workbook (.xlsx) or another zip file, not a CSV: export the report as CSV."),
    (b"\xd0\xcf\x11\xe0", "This is an old Excel workbook (.xls), not a CSV: export the report as CSV."),
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
