"""Excel versions of the CSV fixtures, written with openpyxl the way spreadsheets hold them: real numbers and dates."""

import csv
import datetime
import io
import re

import openpyxl

_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_PARENS = re.compile(r"\((?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}\)")


def typed(cell: str, date_format: str | None):
    """A CSV cell as a spreadsheet would hold it (amounts with a currency symbol stay text, as some exports do)."""
    text = cell.strip()
    if _NUMBER.fullmatch(text) and not (len(text) > 1 and text.startswith("0") and "." not in text):
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() and "." not in text else number
    if _PARENS.fullmatch(text):
        return -float(text[1:-1].replace(",", ""))
    if date_format:
        try:
            return datetime.datetime.strptime(text, date_format)
        except ValueError:
            pass
    return cell


def xlsx_from_csv(data: bytes, *, date_format: str | None, encoding: str = "utf-8-sig", sheet: str = "Sheet1",
                  before: tuple[str, ...] = ()) -> bytes:  # fmt: skip
    """The CSV's rows in a workbook's sheet ``sheet``, after empty sheets named ``before``."""
    book = openpyxl.Workbook()
    book.active.title = before[0] if before else sheet
    for name in before[1:]:
        book.create_sheet(name)
    target = book.create_sheet(sheet) if before else book.active
    for row in csv.reader(io.StringIO(data.decode(encoding))):
        target.append([typed(cell, date_format) if cell else None for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
