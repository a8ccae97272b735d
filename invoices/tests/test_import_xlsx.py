"""Excel workbooks import like the CSV exports of the same reports: same detection, rows and messages."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.importing import CanonicalRow, ContactRow, ImportFileError, RowIssue, read_contact_list, read_report
from invoices.models import ImportBatch, Invoice
from invoices.tests.xlsx_helpers import xlsx_from_csv

FIXTURES = Path(__file__).parent / "fixtures"
# (fixture, how its dates are written, its encoding)
AGING = [
    ("quickbooks_aging_detail.csv", "%m/%d/%Y", "utf-8-sig"),
    ("xero_aged_receivables_detail.csv", "%d %b %Y", "utf-8-sig"),
    ("netsuite_aging_detail.csv", "%m/%d/%Y", "utf-8-sig"),
    ("sage_aged_debtors_detail_cp1252.csv", "%d/%m/%Y", "cp1252"),
    ("canonical_aging.csv", "%Y-%m-%d", "utf-8-sig"),
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTACTS = ["qbo_customer_contact_list.csv", "canonical_contacts.csv"]


def _items(report):
    return list(report)


@pytest.mark.parametrize(("name", "date_format", "encoding"), AGING)
def test_each_aging_format_reads_the_same_from_a_workbook(name, date_format, encoding):
    data = (FIXTURES / name).read_bytes()
    from_csv = read_report(data)
    csv_items = _items(from_csv)
    book = read_report(xlsx_from_csv(data, date_format=date_format, encoding=encoding))
    book_items = _items(book)
    assert (book.format, book.as_of) == (from_csv.format, from_csv.as_of)
    assert book.format_label == f"{from_csv.format_label} (sheet 'Sheet1')"
    assert [i for i in book_items if isinstance(i, CanonicalRow)] == [
        i for i in csv_items if isinstance(i, CanonicalRow)
    ]
    assert len([i for i in csv_items if isinstance(i, CanonicalRow)]) >= 4
    assert [i.message for i in book_items if isinstance(i, RowIssue)] == [
        i.message for i in csv_items if isinstance(i, RowIssue)
    ]
    assert [i.message for i in book.total_issues()] == [i.message for i in from_csv.total_issues()]


@pytest.mark.parametrize("name", CONTACTS)
def test_each_contact_list_reads_the_same_from_a_workbook(name):
    data = (FIXTURES / name).read_bytes()
    from_csv = [i for i in read_contact_list(data) if isinstance(i, ContactRow)]
    from_book = [i for i in read_contact_list(xlsx_from_csv(data, date_format=None)) if isinstance(i, ContactRow)]
    assert from_book == from_csv and len(from_csv) >= 3


def test_the_sheet_named_like_the_report_is_read_when_the_first_is_not_it():
    data = (FIXTURES / "quickbooks_aging_detail.csv").read_bytes()
    workbook = xlsx_from_csv(data, date_format="%m/%d/%Y", sheet="AR Aging Detail", before=("Notes", "Charts"))
    report = read_report(workbook)
    assert report.sheet == "AR Aging Detail" and report.format == "quickbooks_aging_detail"
    assert len([i for i in report if isinstance(i, CanonicalRow)]) >= 4


def test_row_problems_name_the_sheet_row_and_column():
    data = (FIXTURES / "quickbooks_aging_detail.csv").read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_from_csv(data, date_format="%m/%d/%Y")))
    sheet = book.active
    row = next(r for r in sheet.iter_rows(min_row=1) if r[1].value is not None and r[2].value == "Invoice")
    row[1].value = "31/31/2025"  # not a date
    out = io.BytesIO()
    book.save(out)
    issues = [i for i in read_report(out.getvalue()) if isinstance(i, RowIssue) and i.is_error]
    first = issues[0]
    assert (first.sheet, first.line, first.column) == ("Sheet1", row[1].row, "Date")
    assert str(first).startswith(f"sheet 'Sheet1', row {row[1].row}, column 'Date' ('31/31/2025'): ")


def test_a_workbook_without_a_known_header_says_where_it_looked():
    book = openpyxl.Workbook()
    book.active.title = "Receivables"
    book.active.append([1, 2, 3])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFileError) as caught:
        read_report(out.getvalue())
    assert caught.value.sheet == "Receivables"


def test_a_zip_that_is_no_workbook_is_refused_as_such():
    with pytest.raises(ImportFileError, match="Excel workbook"):
        read_report(b"PK\x03\x04" + b"\x00" * 60)


@pytest.mark.django_db
def test_an_xlsx_upload_is_previewed_and_imported(client_for, collector, organization):
    data = xlsx_from_csv((FIXTURES / "quickbooks_aging_detail.csv").read_bytes(), date_format="%m/%d/%Y")
    client = client_for(collector)
    upload = SimpleUploadedFile("A_R Aging Detail.xlsx", data, content_type=XLSX_TYPE)
    client.post(reverse("import-upload"), {"file": upload, "kind": "aging", "is_complete_report": "on"})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.PREVIEWED, (batch.failure, batch.issues[:3])
    assert (batch.encoding, batch.file.name.endswith(".xlsx")) == ("xlsx", True)
    client.post(reverse("import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMPLETED
    assert Invoice.objects.filter(organization=organization).count() == batch.rows_read
