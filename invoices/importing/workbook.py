"""Excel workbooks (.xlsx): the sheet's rows as the same (row number, cells) records a CSV file gives.

Accounting systems export to Excel by default. The workbook is read with openpyxl in read-only mode, which
streams the sheet's XML instead of building it in memory, and every cell is written back as the text a CSV
export of it would hold, so format detection, parsing and messages are the CSV ones; only the place of a
problem is said as "sheet 'X', row N".
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import BinaryIO

from .errors import ImportFileError

ZIP_MAGIC = b"PK\x03\x04"
# Words of a sheet name that say it holds the report (when the first sheet does not).
_REPORT_WORDS = ("aging", "ageing", "aged", "receivable", "debtor", "contact", "customer")
_CENT = Decimal("0.01")


def peek_workbook(data: bytes | bytearray | memoryview | BinaryIO) -> tuple[bool, bytes | BinaryIO]:
    """Whether ``data`` is a zip (an .xlsx), and ``data`` again with nothing consumed from it."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:4]) == ZIP_MAGIC, data
    if hasattr(data, "seekable") and data.seekable():
        here = data.tell()
        head = data.read(4)
        data.seek(here)
        return head == ZIP_MAGIC, data
    head = data.read(4)
    if not isinstance(head, bytes):
        raise TypeError("read_report() needs bytes or a file opened in binary mode ('rb')")
    rest = data.read() if head == ZIP_MAGIC else None  # a zip is read from its end: it must be in hand
    if rest is not None:
        return True, head + rest
    return False, _Prefixed(head, data)


class _Prefixed(io.RawIOBase):
    """A non-seekable stream with its first bytes put back."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        chunk = self._stream.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class Workbook:
    """The report sheet of a workbook: ``records`` streams its rows; ``sheet`` is its name."""

    encoding = "xlsx"

    def __init__(self, data: bytes | BinaryIO, *, max_bytes: int | None = None) -> None:
        import openpyxl  # only needed for workbooks

        stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
        if max_bytes is not None and _size(stream) > max_bytes:
            raise ImportFileError(f"The file is larger than the {max_bytes // 1_048_576} MB limit.")
        try:
            self._book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # a zip that is no workbook, or a damaged one: openpyxl raises many kinds
            raise ImportFileError(f"This file cannot be read as an Excel workbook (.xlsx): {exc}.") from None
        names = self._book.sheetnames
        if not names:
            raise ImportFileError("The workbook has no sheets.")
        first_is_report = any(word in names[0].casefold() for word in _REPORT_WORDS)
        named = [n for n in names if any(word in n.casefold() for word in _REPORT_WORDS)]
        self.sheet = names[0] if first_is_report or not named else named[0]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        sheet = self._book[self.sheet]
        sheet.reset_dimensions()  # exports often state wrong dimensions; read the rows the sheet really has
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                yield number, cells
        finally:
            self._book.close()


def cell_text(value: object) -> str:
    """A cell as a CSV export of it would write it: dates as YYYY-MM-DD, numbers without float noise."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        exact = Decimal(repr(value))
        cents = exact.quantize(_CENT)
        # 0.1 + 0.2 in a spreadsheet is 0.30000000000000004: money is read to the cent.
        return str(cents) if abs(exact - cents) < Decimal("0.000001") else str(exact)
    return str(value)


def _size(stream: BinaryIO) -> int:
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end - here
