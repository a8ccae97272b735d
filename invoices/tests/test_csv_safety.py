"""Cells exported back to CSV cannot run as spreadsheet formulas, while credits stay numbers."""

import pytest

from invoices.importing import neutralise_cell
from invoices.importing.csv_safety import neutralise_row


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "+44 20 7946 0321",
        "-",
    ],
)
def test_formula_triggers_get_a_leading_apostrophe(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-120.00", "-1,234.56", "+5", "-0.01", "-7"])
def test_plain_signed_numbers_are_left_alone_so_credits_export_as_numbers(value):
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", ["", "Northwind Traders", "120.00", "a=b", "Brontë & Søn", "Pinecrest Academy:Upper"])
def test_ordinary_text_is_unchanged(value):
    assert neutralise_cell(value) == value


def test_rows_are_neutralised_cell_by_cell_leaving_non_strings_alone():
    assert neutralise_row(["=cmd", -120, "-120.00", None]) == ["'=cmd", -120, "-120.00", None]
