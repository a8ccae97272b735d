"""The back office exports XLSX too, with the same neutralised cells as its CSV: no live formula in a workbook."""

import io

import openpyxl
import pytest
from import_export.formats.base_formats import XLSX

from accounts.resources import AccountResource
from accounts.tests.factories import AccountFactory
from invoices.resources import InvoiceResource
from invoices.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def _cells(data: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_xlsx_export_holds_no_formula(organization):
    account = AccountFactory(organization=organization, account_name='=HYPERLINK("http://evil.example","Pay")')
    InvoiceFactory(account=account, invoice_no="@SUM(A1:A9)", invoice_amount="-120.00")
    assert XLSX.is_available()  # openpyxl is installed, so the admin offers it
    for resource in (AccountResource(organization=organization), InvoiceResource(organization=organization)):
        cells = _cells(XLSX().export_data(resource.export()))
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(("=", "+", "@")) or (t.startswith("-") and t[1:2].isalpha())]
    invoice_texts = [c.value for c in _cells(XLSX().export_data(InvoiceResource(organization=organization).export()))]
    assert "'@SUM(A1:A9)" in invoice_texts and "-120.00" in invoice_texts


def test_the_admin_export_offers_xlsx(client_for, ar_admin):
    page = client_for(ar_admin).get("/admin/invoices/invoice/export/").content.decode()
    assert "xlsx" in page
