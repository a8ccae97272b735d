"""Each accounting system's export is read into canonical rows, and its own totals are cross-checked.

The fixtures are exports written for these tests (not the samples the layouts were designed from): other
companies, more sections, credits, non-ASCII names, blank lines, and the encodings each system uses.
"""

import csv
import io
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from invoices.importing import (
    AgingReport,
    CanonicalRow,
    ContactRow,
    ImportFileError,
    RowIssue,
    read_contact_list,
    read_report,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read_all(data: bytes, **options) -> tuple[AgingReport, list[CanonicalRow], list[RowIssue]]:
    report = read_report(data, **options)
    items = list(report)
    rows = [item for item in items if isinstance(item, CanonicalRow)]
    issues = [item for item in items if isinstance(item, RowIssue)]
    return report, rows, issues


def by_number(rows: list[CanonicalRow]) -> dict[str, CanonicalRow]:
    return {row.invoice_no: row for row in rows}


def buckets(row: CanonicalRow) -> tuple[str, ...]:
    return tuple(str(v) for v in row.buckets)


def tamper(data: bytes, old: str, new: str, encoding: str = "utf-8") -> bytes:
    text = data.decode(encoding)
    assert text.count(old) == 1, f"{old!r} should occur once in the fixture"
    return text.replace(old, new).encode(encoding)


# --------------------------------------------------------------------------------------------------------------
# Canonical


def test_canonical_file_with_columns_in_any_order_and_case_is_read():
    report, rows, issues = read_all(fixture("canonical_aging.csv"))

    assert (report.format, report.encoding, report.header_line) == ("canonical", "utf-8", 1)
    assert report.as_of == date(2025, 3, 31)  # from the snapshot_date column: no preamble
    assert issues == []
    assert [r.invoice_no for r in rows] == [
        "A-7001", "A-7044", "A-7012", "CR-0092", "A-7020", "A-7005", "A-7051", "A-6988",
    ]  # fmt: skip
    first = rows[0]
    assert first == CanonicalRow(
        line=2,
        client_id="ACC-210",
        account_name="Ærøskøbing Ferries ApS",
        parent_name="",
        invoice_no="A-7001",
        invoice_date=date(2024, 10, 2),
        due_date=date(2024, 11, 1),
        invoice_amount=Decimal("5400.00"),
        total_outstanding=Decimal("5400.00"),
        days_0_30=Decimal("0"),
        days_31_60=Decimal("0"),
        days_61_90=Decimal("0"),
        days_91_120=Decimal("0"),
        days_over_120=Decimal("5400.00"),
        currency="EUR",
        contact_first_name="Mette",
        contact_last_name="Jørgensen",
        contact_email="mette@aeroferries.example",
        contact_phone="+45 62 52 10 00",
        snapshot_date=date(2025, 3, 31),
    )
    assert report.column_mapping["invoice_no"] == "Invoice_No"


def test_canonical_credit_note_keeps_its_negative_amounts():
    _, rows, _ = read_all(fixture("canonical_aging.csv"))
    credit = by_number(rows)["CR-0092"]
    assert (credit.invoice_amount, credit.total_outstanding, credit.days_0_30) == (
        Decimal("-310.00"),
        Decimal("-310.00"),
        Decimal("-310.00"),
    )


def test_canonical_short_row_and_row_after_blank_line_keep_physical_line_numbers():
    _, rows, _ = read_all(fixture("canonical_aging.csv"))
    numbers = by_number(rows)
    assert numbers["A-7044"].snapshot_date is None  # the row stops before its snapshot_date cell
    assert numbers["A-7020"].line == 7  # line 6 is blank
    assert numbers["A-7051"].account_name == "Ortega, Ruiz & Asociados"


def test_canonical_total_row_is_checked_not_imported():
    report, rows, _ = read_all(fixture("canonical_aging.csv"))
    assert "TOTAL" not in {r.client_id for r in rows}
    assert report.total_issues() == []


def test_canonical_total_row_that_does_not_add_up_is_reported():
    data = tamper(fixture("canonical_aging.csv"), ",26055.75,", ",26155.75,")
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert (issue.line, issue.column, issue.severity) == (11, "Total_Outstanding", "error")
    assert "26,155.75" in issue.message and "26,055.75" in issue.message


# --------------------------------------------------------------------------------------------------------------
# QuickBooks Online


def test_quickbooks_detail_is_recognised_with_its_as_of_date():
    report, rows, issues = read_all(fixture("quickbooks_aging_detail.csv"))
    assert report.format == "quickbooks_aging_detail"
    assert report.format_label == "QuickBooks Online – A/R Aging Detail"
    assert (report.as_of, report.header_line, report.encoding) == (date(2025, 3, 31), 5, "utf-8")
    assert issues == []
    assert len(rows) == 12
    assert report.column_mapping["invoice_no"] == "Num"


def test_quickbooks_parent_child_customer_is_split_into_parent_and_full_name():
    _, rows, _ = read_all(fixture("quickbooks_aging_detail.csv"))
    row = by_number(rows)["1187"]
    assert (row.client_id, row.account_name, row.parent_name) == (
        "Maple Ridge HOA:Phase 2",
        "Maple Ridge HOA:Phase 2",
        "Maple Ridge HOA",
    )
    assert by_number(rows)["1150"].client_id == "Patel, Anika"
    assert by_number(rows)["1150"].parent_name == ""
    assert by_number(rows)["1203"].account_name == "Café Olé Bistro"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("1187", ("0.00", "0.00", "0.00", "0.00", "6480.00")),  # due 11/15/2024: 136 days late
        ("1203", ("0.00", "0.00", "0.00", "950.00", "0.00")),  # due 12/10/2024: 111 days
        ("1236", ("0.00", "0.00", "780.00", "0.00", "0.00")),  # due 01/01/2025: 89 days
        ("1250", ("0.00", "3900.00", "0.00", "0.00", "0.00")),  # due 02/28/2025: 31 days
        ("1270", ("1045.00", "0.00", "0.00", "0.00", "0.00")),  # due 03/01/2025: 30 days
        ("1281", ("2250.00", "0.00", "0.00", "0.00", "0.00")),  # not due yet
    ],
)
def test_quickbooks_buckets_are_computed_from_the_due_date(number, expected):
    _, rows, _ = read_all(fixture("quickbooks_aging_detail.csv"))
    assert buckets(by_number(rows)[number]) == expected


def test_quickbooks_amount_is_the_original_and_open_balance_the_outstanding():
    _, rows, _ = read_all(fixture("quickbooks_aging_detail.csv"))
    row = by_number(rows)["1203"]
    assert (row.invoice_amount, row.total_outstanding) == (Decimal("1250.00"), Decimal("950.00"))
    assert (row.invoice_date, row.due_date) == (date(2024, 11, 10), date(2024, 12, 10))


def test_quickbooks_credit_memo_is_a_negative_credit():
    _, rows, _ = read_all(fixture("quickbooks_aging_detail.csv"))
    credit = by_number(rows)["CM-1009"]
    assert credit.document_type == "credit"
    assert (credit.total_outstanding, credit.days_31_60) == (Decimal("-600.00"), Decimal("-600.00"))


def test_quickbooks_section_and_grand_totals_add_up():
    report, _, _ = read_all(fixture("quickbooks_aging_detail.csv"))
    assert report.total_issues() == []


def test_quickbooks_section_total_that_is_off_is_reported_with_its_line_and_both_figures():
    data = tamper(fixture("quickbooks_aging_detail.csv"), '"$2,895.40","$2,895.40"', '"$2,895.40","$2,985.40"')
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert (issue.line, issue.column) == (14, "Open Balance")
    assert "2,985.40" in issue.message and "2,895.40" in issue.message
    assert "61 - 90 days past due" in issue.message


def test_quickbooks_grand_total_that_is_off_is_reported():
    data = tamper(fixture("quickbooks_aging_detail.csv"), '"$18,381.15"', '"$18,481.15"')
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert issue.line == 29 and "18,481.15" in issue.message and "18,381.15" in issue.message


def test_quickbooks_columns_may_be_reordered_renamed_or_missing():
    data = (
        b"A/R Aging Detail\nTiny Co\nAs of January 31, 2025\n\n"
        b"Customer,Terms,Num,Transaction Type,Date,Open Balance\n"  # no group column, no due date, no amount
        b'Acme Ltd:East,Net 30,77,Invoice,11/20/2024,"$1,0.00"\n'
    )
    # "$1,0.00" is not an amount: the row is refused with the column named
    report, rows, issues = read_all(data)
    assert rows == [] and issues[0].column == "Open Balance"

    data = data.replace(b"$1,0.00", b"$1,000.00")
    report, rows, issues = read_all(data)
    [row] = rows
    assert report.format == "quickbooks_aging_detail"
    assert (row.client_id, row.parent_name, row.invoice_amount) == ("Acme Ltd:East", "Acme Ltd", Decimal("1000.00"))
    assert row.days_61_90 == Decimal("1000.00")  # aged from the invoice date: 72 days


def test_quickbooks_report_without_as_of_line_needs_the_date_from_the_caller():
    data = tamper(fixture("quickbooks_aging_detail.csv"), '"As of March 31, 2025"', "")
    with pytest.raises(ImportFileError, match="as_of"):
        read_report(data)
    report, rows, _ = read_all(data, as_of=date(2025, 3, 31))
    assert report.as_of == date(2025, 3, 31) and len(rows) == 12


def test_as_of_argument_that_disagrees_with_the_report_is_a_warning_and_the_report_wins():
    report, rows, issues = read_all(fixture("quickbooks_aging_detail.csv"), as_of=date(2025, 4, 30))
    assert report.as_of == date(2025, 3, 31)
    [warning] = issues
    assert (warning.severity, warning.line) == ("warning", 3)
    assert len(rows) == 12


# --------------------------------------------------------------------------------------------------------------
# Xero


def test_xero_detail_with_bom_and_non_ascii_contacts_is_read():
    report, rows, issues = read_all(fixture("xero_aged_receivables_detail.csv"))
    assert report.format == "xero_aged_receivables_detail"
    assert (report.encoding, report.as_of, report.header_line) == ("utf-8-sig", date(2025, 3, 31), 6)
    assert issues == []
    assert [r.client_id for r in rows].count("Zoë Fitzgerald-Brown") == 3
    credit = by_number(rows)["CN-0107"]
    assert (credit.client_id, credit.account_name) == ("Māori Heritage Trust", "Māori Heritage Trust")
    assert (credit.invoice_date, credit.due_date) == (date(2025, 2, 15), date(2025, 2, 15))


@pytest.mark.parametrize(
    ("number", "bucket", "amount"),
    [
        ("INV-2210", "days_0_30", "1800.00"),  # Current
        ("INV-2170", "days_0_30", "575.25"),  # < 1 Month
        ("CN-0107", "days_0_30", "-420.00"),  # < 1 Month, a credit note
        ("INV-2154", "days_31_60", "2450.50"),  # 1 Month
        ("INV-2051", "days_91_120", "3120.00"),  # 3 Months
        ("INV-1890", "days_over_120", "980.00"),  # Older
    ],
)
def test_xero_month_columns_feed_the_30_day_buckets(number, bucket, amount):
    _, rows, _ = read_all(fixture("xero_aged_receivables_detail.csv"))
    row = by_number(rows)[number]
    assert getattr(row, bucket) == Decimal(amount)
    assert row.total_outstanding == Decimal(amount)
    assert sum(row.buckets) == row.total_outstanding


def test_xero_contact_and_grand_totals_add_up():
    report, _, _ = read_all(fixture("xero_aged_receivables_detail.csv"))
    assert report.total_issues() == []


def test_xero_contact_total_that_is_off_is_reported():
    data = tamper(fixture("xero_aged_receivables_detail.csv"), "3120.00,0.00,2700.00", "3120.00,0.00,2770.00")
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert (issue.line, issue.column) == (15, "Total")
    assert "Māori Heritage Trust" in issue.message and "2,770.00" in issue.message


# --------------------------------------------------------------------------------------------------------------
# NetSuite


def test_netsuite_detail_is_read_with_parent_child_names_normalised():
    report, rows, issues = read_all(fixture("netsuite_aging_detail.csv"))
    assert (report.format, report.as_of, report.header_line) == ("netsuite_aging_detail", date(2025, 3, 31), 5)
    assert issues == []
    row = by_number(rows)["INV20102"]
    assert (row.client_id, row.account_name, row.parent_name) == (
        "Northwind Health:Clinic East",
        "Northwind Health:Clinic East",
        "Northwind Health",
    )
    assert by_number(rows)["INV20590"].client_id == "Société Médicale du Port"
    assert by_number(rows)["INV20650"].client_id == "Tidewater Orthopedics"  # rows without a heading row


def test_netsuite_parenthesised_credit_is_negative():
    _, rows, _ = read_all(fixture("netsuite_aging_detail.csv"))
    credit = by_number(rows)["CM3304"]
    assert credit.document_type == "credit"
    assert (credit.total_outstanding, credit.days_31_60) == (Decimal("-450.00"), Decimal("-450.00"))


def test_netsuite_over_90_is_split_at_120_days_by_age():
    _, rows, _ = read_all(fixture("netsuite_aging_detail.csv"))
    numbers = by_number(rows)
    assert (numbers["INV20411"].days_91_120, numbers["INV20411"].days_over_120) == (Decimal("12500.00"), 0)
    assert (numbers["INV20102"].days_91_120, numbers["INV20102"].days_over_120) == (0, Decimal("3275.80"))
    assert numbers["INV20688"].days_0_30 == Decimal("725.35")  # "1 - 30" goes with Current


def test_netsuite_over_90_split_uses_the_due_date_when_there_is_no_age_column():
    data = (
        b"Bayview\nA/R Aging Detail\nAs of Mar 31, 2025\n\n"
        b"Customer,Type,Date,Document Number,Due Date,Open Balance,Current,1 - 30,31 - 60,61 - 90,Over 90\n"
        b'Acme,Invoice,10/1/2024,D1,10/31/2024,"$1,000.00",,,,,"$1,000.00"\n'
        b"Acme,Invoice,12/1/2024,D2,12/31/2024,$50.00,,,,,$50.00\n"
    )
    _, rows, issues = read_all(data)
    assert issues == []
    assert buckets(rows[0]) == ("0.00", "0.00", "0.00", "0.00", "1000.00")  # 151 days
    assert buckets(rows[1]) == ("0.00", "0.00", "0.00", "50.00", "0.00")  # 90 days, but in "Over 90"


def test_netsuite_nested_customer_totals_add_up():
    report, _, _ = read_all(fixture("netsuite_aging_detail.csv"))
    assert report.total_issues() == []


def test_netsuite_parent_total_that_is_off_is_reported():
    data = tamper(fixture("netsuite_aging_detail.csv"), '"$15,965.80"', '"$15,695.80"')
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert (issue.line, issue.column) == (13, "Open Balance")
    assert "'Northwind Health'" in issue.message and "15,965.80" in issue.message


# --------------------------------------------------------------------------------------------------------------
# Sage 50


def test_sage_detail_in_windows_1252_with_crlf_is_read():
    data = fixture("sage_aged_debtors_detail_cp1252.csv")
    assert b"\r\n" in data and "Brontë".encode("cp1252") in data
    report, rows, issues = read_all(data)
    assert (report.format, report.encoding, report.header_line) == ("sage_aged_debtors_detail", "cp1252", 7)
    assert report.as_of == date(2025, 3, 31)  # "Report Date", not the printing "Date: 02/04/2025"
    assert issues == []
    first = rows[0]
    assert (first.client_id, first.account_name, first.invoice_no) == ("BRO002", "Brontë Interiors", "9104")
    assert (first.invoice_date, first.due_date) == (date(2024, 11, 12), date(2024, 12, 12))
    assert by_number(rows)["8930"].account_name == "Café Noël Ltd"


@pytest.mark.parametrize(
    ("number", "bucket", "amount", "kind"),
    [
        ("9188", "days_0_30", "640.00", "invoice"),  # Future
        ("CN112", "days_0_30", "-95.50", "credit"),  # Current, SC
        ("9120", "days_31_60", "1210.40", "invoice"),  # Period 1
        ("9150", "days_61_90", "3300.00", "invoice"),  # Period 2
        ("9104", "days_91_120", "1450.00", "invoice"),  # Period 3
        ("8930", "days_over_120", "2875.00", "invoice"),  # Older
        ("BACS", "days_0_30", "-300.00", "payment"),  # SA: payment on account
    ],
)
def test_sage_periods_feed_the_buckets_and_types_are_named(number, bucket, amount, kind):
    _, rows, _ = read_all(fixture("sage_aged_debtors_detail_cp1252.csv"))
    row = by_number(rows)[number]
    assert getattr(row, bucket) == Decimal(amount)
    assert row.document_type == kind


def test_sage_totals_row_adds_up():
    report, _, _ = read_all(fixture("sage_aged_debtors_detail_cp1252.csv"))
    assert report.total_issues() == []


def test_sage_totals_row_that_is_off_is_reported():
    data = tamper(fixture("sage_aged_debtors_detail_cp1252.csv"), "Totals:,9079.90", "Totals:,9097.90", "cp1252")
    report, _, _ = read_all(data)
    [issue] = report.total_issues()
    assert (issue.line, issue.column) == (15, "Balance")
    assert "9,097.90" in issue.message and "9,079.90" in issue.message


# --------------------------------------------------------------------------------------------------------------
# Layout variations of the same systems


def test_quickbooks_grouped_by_customer_with_nested_sub_customers_and_day_first_dates():
    data = (
        "A/R Aging Detail\nUK Co Ltd\nAs of 28 February 2025\n\n"
        ",Date,Transaction Type,No.,Customer,Due Date,Amount,Open Balance\n"
        "Pinecrest Academy,,,,,,,\n"
        ',05/01/2025,Invoice,101,Pinecrest Academy,04/02/2025,"£1,000.00","£1,000.00"\n'
        "Pinecrest Academy:Upper School,,,,,,,\n"
        ",13/12/2024,Invoice,102,Pinecrest Academy:Upper School,12/01/2025,200.00,200.00\n"
        ",20/12/2024,Credit Note,103,Pinecrest Academy:Upper School,20/12/2024,(50.00),(50.00)\n"
        "Total for Pinecrest Academy:Upper School,,,,,,150.00,150.00\n"
        'Total for Pinecrest Academy,,,,,,"£1,150.00","£1,150.00"\n'
        'TOTAL,,,,,,"£1,150.00","£1,150.00"\n'
    ).encode()
    report, rows, issues = read_all(data)
    assert issues == [] and report.total_issues() == []
    first, upper, credit = rows
    assert (first.invoice_date, first.currency) == (date(2025, 1, 5), "GBP")  # 05/01 read day-first
    assert (upper.parent_name, upper.days_31_60) == ("Pinecrest Academy", Decimal("200.00"))
    assert (credit.document_type, credit.days_61_90) == ("credit", Decimal("-50.00"))


def test_xero_day_based_columns_with_a_contact_column_split_older_by_due_date():
    data = (
        b"Aged Receivables Detail\nOrg\nAs at 31 March 2025\nAgeing by due date\n\n"
        b"Contact,Invoice Date,Invoice Number,Due Date,Current,1 - 30 days,31 - 60 days,61 - 90 days,Older,Total\n"
        b"Acme,01 Nov 2024,I-1,01 Dec 2024,,,,,500.00,500.00\n"
        b"Acme,01 Sep 2024,I-2,01 Oct 2024,,,,,300.00,300.00\n"
        b"Total,,,,,,,,800.00,800.00\n"
    )
    report, rows, issues = read_all(data)
    assert issues == [] and report.total_issues() == []
    assert report.column_mapping["days_over_120"] == "Older (split by days past due)"
    assert rows[0].days_91_120 == Decimal("500.00")  # 120 days past due
    assert rows[1].days_over_120 == Decimal("300.00")  # 181 days


def test_xero_ageing_by_invoice_date_ages_split_columns_from_the_invoice_date():
    data = (
        b"Aged Receivables Detail\nOrg\nAs at 31 March 2025\nAgeing by invoice date\n\n"
        b"Invoice Date,Invoice Number,Due Date,Current,1 - 30,31 - 60,61 - 90,Over 90,Total\n"
        b"Acme,,,,,,,,\n"
        b"01 Dec 2024,I-1,31 Jan 2025,,,,,500.00,500.00\n"  # 120 days since the invoice, 59 since due
    )
    _, [row], _ = read_all(data)
    assert row.days_91_120 == Decimal("500.00")


def test_netsuite_rows_without_customer_take_it_from_the_heading():
    data = (
        b"Co\nA/R Aging Detail\nAs of Feb 28, 2025\n\n"
        b"Customer,Type,Date,Document Number,Due Date,Open Balance,Current,1 - 30,31 - 60,61 - 90,Over 90\n"
        b"Delmar Foods,,,,,,,,,,\n"
        b',Invoice,10/1/2024,IN1,10/31/2024,"$6,250.00",,,,,"$6,250.00"\n'
        b",Payment,2/1/2025,PMT9,2/1/2025,($100.00),,($100.00),,,\n"
        b'Total - Delmar Foods,,,,,"$6,150.00",,($100.00),,,"$6,250.00"\n'
        b'Total,,,,,"$6,150.00",,($100.00),,,"$6,250.00"\n'
    )
    report, rows, issues = read_all(data)
    assert issues == [] and report.total_issues() == []
    assert [(r.client_id, r.document_type) for r in rows] == [("Delmar Foods", "invoice"), ("Delmar Foods", "payment")]
    assert rows[0].days_91_120 == Decimal("6250.00")  # 120 days past due


def test_sage_account_headings_and_account_totals_are_understood():
    data = (
        "Aged Debtors Analysis (Detailed)\r\nCo\r\nReport Date: 28/02/2025\r\n\r\n"
        "A/C,Name,Type,Date,Ref,Details,Due Date,Balance,Future,Current,Period 1,Period 2,Period 3,Older\r\n"
        "ABB001,Abbey Fields School,,,,,,,,,,,,\r\n"
        'ABB001,Abbey Fields School,SI,15/10/2024,7781,Desks,14/11/2024,"2,400.00",0,0,0,0,"2,400.00",0\r\n'
        ',,,,,,Total:,"2,400.00",0,0,0,0,"2,400.00",0\r\n'
        "CAR004,Carr Fils,SI,09/12/2024,7812,x,08/01/2025,1180.00,0,0,1180.00,0,0,0\r\n"
        ",,,,,,Total:,1180.00,0,0,1180.00,0,0,0\r\n"
        ",,,,,,Totals:,3580.00,0,0,1180.00,0,2400.00,0\r\n"
    ).encode("cp1252")
    report, rows, issues = read_all(data)
    assert issues == [] and report.total_issues() == []
    assert [r.invoice_no for r in rows] == ["7781", "7812"]

    report, _, _ = read_all(data.replace(b",,,,,,Total:,1180.00", b",,,,,,Total:,1108.00"))
    [issue] = report.total_issues()
    assert issue.line == 10 and "1,108.00" in issue.message


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("canonical_aging.csv", "utf-8"),
        ("quickbooks_aging_detail.csv", "utf-8"),
        ("xero_aged_receivables_detail.csv", "utf-8-sig"),
        ("netsuite_aging_detail.csv", "utf-8"),
        ("sage_aged_debtors_detail_cp1252.csv", "cp1252"),
    ],
)
def test_cells_padded_with_spaces_read_the_same(name, encoding):
    original = fixture(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for cells in csv.reader(io.StringIO(original.decode(encoding), newline="")):
        writer.writerow([f"  {cell} " if cell else cell for cell in cells])
    padded = out.getvalue().encode(encoding)

    report, rows, issues = read_all(padded)
    assert [*rows, *issues] == [item for item in read_report(original) if not isinstance(item, RowIssue)]
    assert report.total_issues() == []


# --------------------------------------------------------------------------------------------------------------
# Contact lists


def test_quickbooks_contact_list_splits_emails_phones_and_names():
    items = list(read_contact_list(fixture("qbo_customer_contact_list.csv")))
    contacts = {c.client_id: c for c in items if isinstance(c, ContactRow)}
    assert len(contacts) == 7

    dental = contacts["Brookside Dental Group"]
    assert (dental.first_name, dental.last_name) == ("Helen", "Baptiste")  # "Mrs." dropped
    assert dental.phones == ("(608) 555-0117",)  # the fax number is not a phone to call
    cafe = contacts["Café Olé Bistro"]
    assert cafe.emails == ("owner@cafeole.example", "books@cafeole.example")
    assert (cafe.first_name, cafe.last_name, cafe.phones) == ("José", "Álvarez", ("608-555-0164",))
    phase_2 = contacts["Maple Ridge HOA:Phase 2"]
    assert phase_2.phones == ("608-555-0102", "608-555-0190")
    assert (phase_2.first_name, phase_2.last_name) == ("Ludwig", "van Beek")
    assert (contacts["Maple Ridge HOA:Phase 1"].first_name, contacts["Maple Ridge HOA:Phase 1"].last_name) == (
        "Kees",
        "Vandermeer",
    )
    assert (contacts["Northgate Property Mgmt"].first_name, contacts["Northgate Property Mgmt"].last_name) == (
        "Samuel K.",
        "Osei",
    )
    assert contacts["Patel, Anika"].line == 12

    [warning] = [i for i in items if isinstance(i, RowIssue)]
    assert (warning.line, warning.column, warning.value, warning.severity) == (11, "Email", "not-an-email", "warning")


def test_canonical_contact_list_is_read_and_a_row_without_client_id_is_an_error():
    items = list(read_contact_list(fixture("canonical_contacts.csv")))
    contacts = [i for i in items if isinstance(i, ContactRow)]
    assert [c.client_id for c in contacts] == ["ACC-210", "ACC-311", "ACC-402"]
    assert contacts[1].emails == ("accounts@hillcrestvet.example", "grace.obi@hillcrestvet.example")
    assert (contacts[0].account_name, contacts[0].last_name) == ("Ærøskøbing Ferries ApS", "Jørgensen")
    [error] = [i for i in items if isinstance(i, RowIssue)]
    assert (error.line, error.column, error.severity) == (5, "client_id", "error")


def test_contact_list_and_aging_report_are_not_mistaken_for_each_other():
    with pytest.raises(ImportFileError, match="contact list"):
        read_report(fixture("qbo_customer_contact_list.csv"))
    with pytest.raises(ImportFileError, match="aging report"):
        read_contact_list(fixture("quickbooks_aging_detail.csv"))


# --------------------------------------------------------------------------------------------------------------
# Streaming


def test_a_200000_row_file_is_streamed_without_holding_its_rows(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "client_id,account_name,invoice_no,invoice_date,due_date,invoice_amount,total_outstanding,"
            "days_0_30,days_31_60,days_61_90,days_91_120,days_over_120,currency,snapshot_date\n"
        )
        out.writelines(
            f"C-{i % 5000:05d},Customer {i % 5000},INV-{i:07d},2025-01-{1 + i % 28:02d},2025-02-{1 + i % 28:02d},"
            f"{100 + i % 900}.25,{100 + i % 900}.25,{100 + i % 900}.25,0.00,0.00,0.00,0.00,USD,2025-03-31\n"
            for i in range(200_000)
        )
    size_mb = path.stat().st_size / 1e6
    count = 0
    last = None
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        with path.open("rb") as stream:
            report = read_report(stream)
            for item in report:
                count += 1
                last = item
            total_issues = report.total_issues()
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()

    assert count == 200_000 and isinstance(last, CanonicalRow) and last.line == 200_001
    assert total_issues == []
    # The file is ~25 MB and its rows as objects would be several times that: nothing grows with the file.
    assert size_mb > 20
    assert peak < 20 * 1024 * 1024, f"peak traced memory grew by {peak / 1e6:.1f} MB"


def test_a_non_seekable_stream_is_read_too():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    _, rows, _ = read_all(Pipe(fixture("netsuite_aging_detail.csv")))
    assert len(rows) == 8
