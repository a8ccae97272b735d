"""Files and rows the importer must refuse, precisely: whole-file errors name the problem, row issues the cell."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from invoices.importing import (
    CanonicalRow,
    ImportFileError,
    RowIssue,
    SummaryReportError,
    UnrecognisedHeaderError,
    read_report,
)
from invoices.importing.values import AmbiguousDate, ValueProblem, parse_amount, parse_date

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    "client_id,account_name,invoice_no,invoice_date,due_date,invoice_amount,total_outstanding,"
    "days_0_30,days_31_60,days_61_90,days_91_120,days_over_120"
)


def canonical(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(number="INV-1", *, client="C-1", name="Acme", issued="2025-01-10", due="2025-02-09", amount="100.00",
        outstanding="100.00", buckets=("100.00", "0.00", "0.00", "0.00", "0.00")) -> str:  # fmt: skip
    return ",".join([client, name, number, issued, due, amount, outstanding, *buckets])


def read_all(data, **options) -> tuple[list[CanonicalRow], list[RowIssue]]:
    items = list(read_report(data, **options))
    return [i for i in items if isinstance(i, CanonicalRow)], [i for i in items if isinstance(i, RowIssue)]


# --------------------------------------------------------------------------------------------------------------
# Whole-file problems


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data):
    with pytest.raises(ImportFileError, match="empty"):
        read_report(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bytes(range(256)) * 4, "binary"),
        (b"client_id,invoice_no\x00\x01\x02\x03", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "Excel"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("client_id,invoice_no\n".encode("utf-16"), "UTF-16"),
        (b"client_id,invoice_no\n\x1b\x07\x02garbage\x03\n", "binary"),
    ],
)
def test_binary_and_non_csv_files_are_refused(data, words):
    with pytest.raises(ImportFileError, match=words):
        read_report(data)


def test_nul_byte_after_the_sniffed_start_is_refused_with_its_line():
    data = canonical(*(row(f"INV-{i}") for i in range(3000))) + b"C-9,Acme,INV-X\x00,2025-01-01\n"
    report = read_report(data)
    with pytest.raises(ImportFileError, match="binary") as caught:
        list(report)
    assert caught.value.line == 3002


def test_missing_required_columns_are_all_named():
    data = canonical(header="client_id,account_name,invoice_no,invoice_date,total_outstanding,days_0_30")
    with pytest.raises(ImportFileError) as caught:
        read_report(data)
    message = str(caught.value)
    for name in ("invoice_amount", "days_31_60", "days_61_90", "days_91_120", "days_over_120"):
        assert name in message
    assert "client_id," not in message  # only the missing ones


@pytest.mark.parametrize(
    ("fixture", "system", "detail_report"),
    [
        ("qbo_aging_summary.csv", "QuickBooks Online", "A/R Aging Detail"),
        ("xero_aged_receivables_summary.csv", "Xero", "Aged Receivables Detail"),
        ("netsuite_aging_summary.csv", "NetSuite", "A/R Aging Detail"),
        ("sage_aged_debtors_summary_cp1252.csv", "Sage 50", "Aged Debtors Analysis (Detailed)"),
    ],
)
def test_summary_reports_are_refused_naming_the_detail_report_to_export(fixture, system, detail_report):
    with pytest.raises(SummaryReportError) as caught:
        read_report((FIXTURES / fixture).read_bytes())
    assert (caught.value.system, caught.value.detail_report) == (system, detail_report)
    assert detail_report in caught.value.message and system in caught.value.message


def test_summary_is_recognised_by_its_title_when_its_columns_are_unusual():
    data = b"Aged Receivables Summary\nSome Org\nAs at 31 March 2025\n\nWho,Owed,Overdue\nA,1.00,0.00\n"
    with pytest.raises(SummaryReportError, match="Aged Receivables Detail"):
        read_report(data)


def test_a_summary_like_layout_of_an_unknown_system_names_every_detail_report():
    data = b"Customer balances\n\nDebtor,Current,31-60,61-90,Over 90,Total\nA,1.00,0,0,0,1.00\n"
    with pytest.raises(SummaryReportError) as caught:
        read_report(data)
    assert caught.value.system == ""
    for report_name in ("A/R Aging Detail", "Aged Receivables Detail", "Aged Debtors Analysis (Detailed)"):
        assert report_name in caught.value.message


def test_unrecognised_header_carries_the_headers_and_can_then_be_read_with_a_mapping():
    data = (FIXTURES / "custom_ledger_export.csv").read_bytes()
    with pytest.raises(UnrecognisedHeaderError) as caught:
        read_report(data)
    headers = caught.value.headers
    assert headers == ["Debtor Code", "Debtor", "Inv #", "Issued", "Due", "Original", "Balance"]
    assert caught.value.line == 1

    mapping = {
        "client_id": "Debtor Code",
        "account_name": "Debtor",
        "invoice_no": "Inv #",
        "invoice_date": "Issued",
        "due_date": "Due",
        "invoice_amount": "Original",
        "total_outstanding": "Balance",
    }
    report = read_report(data, column_mapping=mapping, as_of=date(2025, 3, 31))
    rows = list(report)
    assert all(isinstance(r, CanonicalRow) for r in rows) and len(rows) == 4
    assert report.format == "canonical" and report.column_mapping == mapping
    pemberton = rows[2]
    assert (pemberton.client_id, pemberton.account_name, pemberton.invoice_no) == (
        "D-205",
        "Pemberton & Cole LLP",
        "49877",
    )
    assert (pemberton.invoice_amount, pemberton.total_outstanding) == (Decimal("8750.00"), Decimal("6250.00"))
    assert pemberton.days_over_120 == Decimal("6250.00")  # no aging columns mapped: aged from the due date
    assert rows[3].days_0_30 == Decimal("-150.00")


def test_column_mapping_with_unknown_fields_or_absent_headers_is_refused():
    data = (FIXTURES / "custom_ledger_export.csv").read_bytes()
    with pytest.raises(ImportFileError, match="invoice_number"):
        read_report(data, column_mapping={"invoice_number": "Inv #"})
    with pytest.raises(ImportFileError, match="Reference"):
        read_report(data, column_mapping={"client_id": "Debtor Code", "invoice_no": "Reference"})


def test_column_mapping_missing_a_needed_field_names_it():
    data = (FIXTURES / "custom_ledger_export.csv").read_bytes()
    with pytest.raises(ImportFileError, match="invoice_date"):
        read_report(
            data,
            column_mapping={"client_id": "Debtor Code", "invoice_no": "Inv #", "total_outstanding": "Balance"},
            as_of=date(2025, 3, 31),
        )


def test_files_above_the_size_limit_are_refused():
    data = canonical(*(row(f"INV-{i}") for i in range(100)))
    with pytest.raises(ImportFileError, match="limit"):
        read_report(data, max_bytes=1000)

    class Pipe(io.RawIOBase):  # size unknown upfront: the limit is enforced while reading
        def __init__(self) -> None:
            self._data = io.BytesIO(canonical(*(row(f"INV-{i}") for i in range(20_000))))

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    report = read_report(Pipe(), max_bytes=500_000)  # the header is found within the first chunks read
    with pytest.raises(ImportFileError, match="limit"):
        list(report)


def test_unclosed_quote_is_a_file_error_with_its_line():
    data = canonical(row("INV-1"), '"C-2,Acme,INV-2,2025-01-10' + "x" * 200_000)
    report = read_report(data)
    with pytest.raises(ImportFileError, match="quote") as caught:
        list(report)
    assert caught.value.line == 3


def test_no_header_in_the_first_lines_is_a_file_error():
    data = b"".join(b"%d,%d,%d\n" % (i, i, i) for i in range(100))
    with pytest.raises(ImportFileError, match="No header"):
        read_report(data)


def test_a_report_streams_once_and_totals_come_after_the_rows():
    report = read_report(canonical(row()))
    with pytest.raises(RuntimeError):
        report.total_issues()
    list(report)
    with pytest.raises(RuntimeError):
        list(report)
    assert report.total_issues() == []


def test_header_without_rows_and_truncated_export_are_warned_about():
    report = read_report(canonical())
    assert list(report) == []
    assert [i.severity for i in report.total_issues()] == ["warning"]

    data = (FIXTURES / "quickbooks_aging_detail.csv").read_bytes()
    truncated = data[: data.index(b"Total for 31 - 60")]
    report = read_report(truncated)
    list(report)
    [issue] = report.total_issues()
    assert issue.severity == "warning" and "TOTAL" in issue.message


# --------------------------------------------------------------------------------------------------------------
# Encodings


def test_windows_1252_file_is_decoded():
    data = canonical(row(name="Société Générale Café")).decode().encode("cp1252")
    report = read_report(data)
    [item] = list(report)
    assert report.encoding == "cp1252" and item.account_name == "Société Générale Café"


def test_windows_1252_byte_that_appears_only_late_in_the_file_is_decoded():
    rows = [row(f"INV-{i}") for i in range(3000)]  # ~240 KB of ASCII before the first accented letter
    rows.append(row("INV-LAST", name="Brontë & Søn"))
    data = canonical(*rows).decode().encode("cp1252")
    assert data.index(b"\xeb") > 64 * 1024
    report = read_report(data)
    assert report.encoding == "utf-8"  # nothing but ASCII so far
    items = list(report)
    assert items[-1].account_name == "Brontë & Søn"
    assert report.encoding == "cp1252"


@pytest.mark.parametrize("padding", [0, 5000], ids=["within the sniffed start", "far into the file"])
def test_file_mixing_utf8_and_windows_1252_is_refused_at_the_line_where_it_changes(padding):
    rows = [row(f"P-{i}") for i in range(padding)]
    data = canonical(*rows, row("INV-1", name="Zoë"), row("INV-2", name="Brontë"))
    data += row("INV-3", name="Noël").encode("cp1252") + b"\n"
    report = read_report(data)
    with pytest.raises(ImportFileError, match="encodings") as caught:
        list(report)
    assert caught.value.line in (padding + 2, padding + 4)  # the first UTF-8 or the first Windows-1252 line


def test_utf8_bom_is_not_part_of_the_first_header():
    data = b"\xef\xbb\xbf" + canonical(row(name="Zoë"))
    report = read_report(data)
    [item] = list(report)
    assert (report.encoding, report.column_mapping["client_id"], item.account_name) == ("utf-8-sig", "client_id", "Zoë")


def test_semicolon_separated_file_with_decimal_commas_is_read():
    data = canonical(
        "C-1;Acme;INV-1;28/01/2025;27/02/2025;1.234,50;1.234,50;1.234,50;0;0;0;0",
        header=HEADER.replace(",", ";"),
    )
    [item], issues = read_all(data)
    assert issues == []
    assert (item.total_outstanding, item.invoice_date) == (Decimal("1234.50"), date(2025, 1, 28))


# --------------------------------------------------------------------------------------------------------------
# Row problems


def test_invalid_date_is_reported_with_line_column_and_value():
    rows, [issue] = read_all(canonical(row("INV-1"), row("INV-2", issued="2025-02-31")))
    assert [r.invoice_no for r in rows] == ["INV-1"]
    assert (issue.line, issue.column, issue.value, issue.severity) == (3, "invoice_date", "2025-02-31", "error")
    assert str(issue).startswith("line 3, column 'invoice_date' ('2025-02-31'): not a valid date")


def test_ambiguous_canonical_date_is_refused_until_the_file_shows_its_order():
    rows, issues = read_all(canonical(row("INV-1", issued="03/04/2025"), row("INV-2", issued="28/02/2025"),
                                      row("INV-3", issued="03/04/2025")))  # fmt: skip
    assert [i.line for i in issues] == [2] and "ambiguous" in issues[0].message
    assert [(r.invoice_no, r.invoice_date) for r in rows] == [
        ("INV-2", date(2025, 2, 28)),
        ("INV-3", date(2025, 4, 3)),  # read day-first, like the rest of the file
    ]


def test_date_contradicting_the_order_of_the_file_says_which_order_it_uses():
    _, [issue] = read_all(canonical(row("INV-1", issued="28/02/2025"), row("INV-2", issued="02/28/2025")))
    assert issue.line == 3 and "DD/MM/YYYY" in issue.message


@pytest.mark.parametrize("bad", ["12,34,5", "abc", "1e5", "--5", "$$10"])
def test_invalid_amount_is_reported(bad):
    _, [issue] = read_all(canonical(row(amount=f'"{bad}"')))
    assert (issue.line, issue.column, issue.value) == (2, "invoice_amount", bad)
    assert "not a valid amount" in issue.message


def test_empty_bucket_is_zero_but_empty_required_amount_is_an_error():
    [item], [] = read_all(canonical(row(buckets=("100.00", "", "", "", ""))))
    assert item.days_31_60 == 0
    _, [issue] = read_all(canonical(row(outstanding="")))
    assert (issue.column, issue.message) == ("total_outstanding", "missing amount")


def test_missing_invoice_number_is_an_error():
    rows, [issue] = read_all(canonical(row("")))
    assert rows == [] and (issue.line, issue.column, issue.message) == (2, "invoice_no", "missing invoice number")


def test_negative_bucket_on_an_invoice_is_an_error_but_not_on_a_credit():
    rows, [issue] = read_all(canonical(row(outstanding="50.00", buckets=("100.00", "-50.00", "0", "0", "0"))))
    assert rows == [] and (issue.column, issue.value) == ("days_31_60", "-50.00")
    credit = row("CN-1", amount="-50.00", outstanding="-50.00", buckets=("0", "-50.00", "0", "0", "0"))
    [item], issues = read_all(canonical(credit))
    assert issues == [] and item.days_31_60 == Decimal("-50.00")


def test_buckets_not_adding_up_is_a_warning_after_the_row():
    items = list(read_report(canonical(row(outstanding="100.00", buckets=("60.00", "30.00", "0", "0", "0")))))
    assert [type(i) for i in items] == [CanonicalRow, RowIssue]
    assert items[1].severity == "warning" and "90.00" in items[1].message
    [item] = list(read_report(canonical(row(outstanding="100.00", buckets=("60.00", "39.995", "0", "0", "0")))))
    assert isinstance(item, CanonicalRow)  # within 0.01


def test_subtotal_cross_check_mentions_rows_that_could_not_be_read():
    data = (FIXTURES / "quickbooks_aging_detail.csv").read_bytes().replace(b"01/30/2025", b"01/32/2025")
    report = read_report(data)
    issues = [i for i in report if isinstance(i, RowIssue)]
    assert [(i.line, i.column) for i in issues] == [(18, "Date")]
    totals = report.total_issues()
    assert {i.line for i in totals} == {19, 29}
    assert all("could not be read" in i.message for i in totals)


# --------------------------------------------------------------------------------------------------------------
# Values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("£1,234.56", "1234.56"),
        ("€1.234,56", "1234.56"),
        ("(120.00)", "-120.00"),
        ("($1,250.00)", "-1250.00"),
        ("-80.00", "-80.00"),
        ("-$5.00", "-5.00"),
        ("80.00-", "-80.00"),
        ("80.00 CR", "-80.00"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("USD 12.00", "12.00"),
        ("1,234", "1234"),
    ],
)
def test_amounts_in_accounting_notations(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert isinstance(parse_amount(text), Decimal)


def test_comma_decimal_files_read_a_lone_comma_as_decimals():
    assert parse_amount("1,234", decimal_sep=",") == Decimal("1.234")
    assert parse_amount("1.234", decimal_sep=",") == Decimal("1234")


@pytest.mark.parametrize("text", ["", "-", "()", "1,23,4", "12.34.56", "1.234.567,89,1", "NaN", "Infinity"])
def test_malformed_or_ambiguous_amounts_are_refused(text):
    with pytest.raises(ValueProblem):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2025-02-28", "mdy", date(2025, 2, 28)),
        ("02/28/2025", "mdy", date(2025, 2, 28)),
        ("2/3/2025", "mdy", date(2025, 2, 3)),
        ("28/02/2025", "dmy", date(2025, 2, 28)),
        ("12 Nov 2024", "dmy", date(2024, 11, 12)),
        ("Feb 28, 2025", "mdy", date(2025, 2, 28)),
        ("February 28, 2025", "dmy", date(2025, 2, 28)),
        ("28-Feb-2025", "auto", date(2025, 2, 28)),
        ("28/02/2025", "auto", date(2025, 2, 28)),
    ],
)
def test_dates_in_each_systems_style(text, order, expected):
    assert parse_date(text, order) == expected


def test_impossible_and_ambiguous_dates_are_refused():
    with pytest.raises(ValueProblem, match="not a valid date"):
        parse_date("31/02/2025", "dmy")
    with pytest.raises(AmbiguousDate):
        parse_date("03/04/2025", "auto")
    with pytest.raises(ValueProblem):
        parse_date("Smarch 3, 2025", "mdy")
