"""Parsing benchmark: how many rows per second does ``read_report`` stream, without any database?

    python bench/parse_bench.py                   # 200,000 canonical rows + 100,000 rows of each system export
    python bench/parse_bench.py --rows 50000      # smaller
    python bench/parse_bench.py --formats canonical quickbooks --repeat 5
    python bench/parse_bench.py --profile canonical   # cProfile of one pass, sorted by cumulative time

Files are generated in a temporary directory (same layouts as the fixtures in invoices/tests/fixtures) and
each is timed as ``sum(1 for item in read_report(open(path, "rb")) if not isinstance(item, RowIssue))``;
the best of ``--repeat`` passes is printed as rows/s. For the canonical file, the rate of a bare loop doing the
least any parser must (csv, Decimal, date.fromisoformat) is printed too, as a yardstick for the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from invoices.importing.errors import RowIssue  # noqa: E402
from invoices.importing.reader import read_report  # noqa: E402

AS_OF = datetime.date(2025, 3, 31)
CANONICAL_FIXTURE = ROOT / "invoices" / "tests" / "fixtures" / "canonical_aging.csv"
FIRST_NAMES = ["Mette", "Grace", "Ana", "Liam", "Noah", "Olivia", "Sofia", "Hiro", "Amara", "Jörg", "Chloé", "Pat"]
LAST_NAMES = ["Jørgensen", "Obi", "Ruiz", "Murphy", "Nguyen", "Smith", "Müller", "Tanaka", "Okafor", "Doe"]
COMPANY_WORDS = ["Harbour", "Cedar", "Northgate", "Brookside", "Maple", "Tidewater", "Summit", "Café", "Riverside"]
COMPANY_KINDS = ["Dental Group", "Ferries ApS", "Property Mgmt", "Landscaping Co.", "Bistro", "Clinics", "Ltd"]
CURRENCIES = ["USD", "USD", "USD", "EUR", "GBP", "CAD"]


class Account:
    def __init__(self, rng: random.Random, n: int) -> None:
        self.code = f"ACC-{n:05d}"
        self.name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {n}"
        self.first = rng.choice(FIRST_NAMES)
        self.last = rng.choice(LAST_NAMES)
        self.email = f"{self.first.lower()}.{n}@customer{n % 97}.example"
        self.phone = f"({rng.randint(200, 989)}) 555-{rng.randint(0, 9999):04d}"
        self.currency = rng.choice(CURRENCIES)


def _invoices(rows: int, seed: int = 7):
    """(account, number, invoice date, due date, amount, outstanding, days past due) for ``rows`` invoices."""
    rng = random.Random(seed)
    accounts = [Account(rng, n) for n in range(max(1, rows // 10))]
    for n in range(rows):
        account = accounts[n * len(accounts) // rows]  # grouped by customer, as the exports are
        invoice_date = AS_OF - datetime.timedelta(days=rng.randint(0, 400))
        due = invoice_date + datetime.timedelta(days=rng.choice((0, 14, 30, 30, 30, 45, 60)))
        amount = Decimal(rng.randint(1_000, 2_500_000)) / 100
        if rng.random() < 0.05:
            amount = -amount  # a credit
        outstanding = amount if rng.random() > 0.2 else (amount / 2).quantize(Decimal("0.01"))
        yield account, n, invoice_date, due, amount, outstanding, (AS_OF - due).days


def _bucket(days: int) -> int:
    return next((i for i, limit in enumerate((30, 60, 90, 120)) if days <= limit), 4)


def _money(value: Decimal, dollar: bool = False) -> str:
    text = f"{abs(value):,.2f}"
    if dollar:
        text = "$" + text
    return f"({text})" if value < 0 and dollar else ("-" + text if value < 0 else text)


def canonical(path: Path, rows: int) -> None:
    """The layout of the canonical fixture (its header row), a contact per customer, ISO dates."""
    with CANONICAL_FIXTURE.open(newline="", encoding="utf-8") as fixture:
        header = next(csv.reader(fixture))
    expected = ["Invoice_No", "Client_ID", "Account_Name", "Invoice_Date", "Due_Date", "Invoice_Amount",
                "Total_Outstanding", "Days_0_30", "Days_31_60", "Days_61_90", "Days_91_120", "Days_Over_120",
                "Currency", "Contact_First_Name", "Contact_Last_Name", "Contact_Email", "Contact_Phone",
                "Snapshot_Date"]  # fmt: skip
    assert header == expected, f"the canonical fixture's columns changed: {header}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for account, n, invoice_date, due, amount, outstanding, days in _invoices(rows):
            buckets = ["0.00"] * 5
            buckets[_bucket(days)] = str(outstanding)
            prefix = "CR" if amount < 0 else "INV"
            out.writerow(
                [f"{prefix}-{n:07d}", account.code, account.name, invoice_date.isoformat(), due.isoformat(),
                 str(amount), str(outstanding), *buckets, account.currency, account.first, account.last,
                 account.email, account.phone, AS_OF.isoformat()]
            )  # fmt: skip


def quickbooks(path: Path, rows: int) -> None:
    """QuickBooks Online A/R Aging Detail grouped by aging period, with "Total for" and TOTAL rows."""
    headings = ["91 or more days past due", "61 - 90 days past due", "31 - 60 days past due", "1 - 30 days past due",
                "Current"]  # fmt: skip

    def period(days: int) -> int:
        return 0 if days > 90 else 1 if days > 60 else 2 if days > 30 else 3 if days > 0 else 4

    groups: list[list] = [[] for _ in headings]
    for invoice in _invoices(rows):
        groups[period(invoice[6])].append(invoice)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerows([["A/R Aging Detail"], ["Benchmark Co."], ["As of March 31, 2025"], []])
        out.writerow(["", "Date", "Transaction Type", "Num", "Customer full name", "Past Due", "Due Date", "Amount",
                      "Open Balance"])  # fmt: skip
        grand = [Decimal(0), Decimal(0)]
        for heading, invoices in zip(headings, groups, strict=True):
            out.writerow([heading] + [""] * 8)
            sums = [Decimal(0), Decimal(0)]
            for account, n, invoice_date, due, amount, outstanding, days in invoices:
                kind = "Credit Memo" if amount < 0 else "Invoice"
                out.writerow(["", invoice_date.strftime("%m/%d/%Y"), kind, str(1000 + n), account.name,
                              str(days) if days > 0 else "", due.strftime("%m/%d/%Y"), _money(amount),
                              _money(outstanding)])  # fmt: skip
                sums[0] += amount
                sums[1] += outstanding
            out.writerow([f"Total for {heading}"] + [""] * 6 + [_money(s, dollar=True) for s in sums])
            grand = [a + b for a, b in zip(grand, sums, strict=True)]
        out.writerow(["TOTAL"] + [""] * 6 + [_money(s, dollar=True) for s in grand])
        out.writerows([[], ["Accrual Basis Monday, March 31, 2025 09:12 AM GMT-04:00"]])


def _month_buckets(invoice_date: datetime.date, due: datetime.date, outstanding: Decimal) -> list[Decimal]:
    del invoice_date
    days = (AS_OF - due).days
    index = 0 if days <= 0 else min(5, days // 30 + 1)
    buckets = [Decimal("0.00")] * 6
    buckets[index] = outstanding
    return buckets


def xero(path: Path, rows: int) -> None:
    """Xero Aged Receivables Detail: a heading row per contact, "Total <contact>" rows and a final Total."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerows([["Aged Receivables Detail"], ["Benchmark Ltd"], ["As at 31 March 2025"],
                       ["Ageing by due date"], []])  # fmt: skip
        out.writerow(["Invoice Date", "Invoice Number", "Due Date", "Reference", "Current", "< 1 Month", "1 Month",
                      "2 Months", "3 Months", "Older", "Total"])  # fmt: skip
        grand = [Decimal(0)] * 7
        current = None
        sums = [Decimal(0)] * 7

        def close() -> None:
            if current is not None:
                out.writerow([f"Total {current.name}", "", "", "", *(f"{s:.2f}" for s in sums)])
                out.writerow([])

        for account, n, invoice_date, due, _amount, outstanding, _days in _invoices(rows):
            if account is not current:
                close()
                current, sums = account, [Decimal(0)] * 7
                out.writerow([account.name] + [""] * 10)
            buckets = _month_buckets(invoice_date, due, outstanding)
            out.writerow([invoice_date.strftime("%d %b %Y"), f"INV-{n:07d}", due.strftime("%d %b %Y"), "Services",
                          *(f"{b:.2f}" for b in buckets), f"{outstanding:.2f}"])  # fmt: skip
            figures = [*buckets, outstanding]
            sums = [a + b for a, b in zip(sums, figures, strict=True)]
            grand = [a + b for a, b in zip(grand, figures, strict=True)]
        close()
        out.writerow(["Total", "", "", "", *(f"{s:.2f}" for s in grand)])


def netsuite(path: Path, rows: int) -> None:
    """NetSuite A/R Aging Detail: "$1,234.56", "($450.00)", an Age column, "Total - <customer>" rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerows([["Benchmark Supply Co."], ["A/R Aging Detail"], ["As of Mar 31, 2025"], []])
        out.writerow(["Customer", "Type", "Date", "Document Number", "Due Date", "Age", "Open Balance", "Current",
                      "1 - 30", "31 - 60", "61 - 90", "Over 90"])  # fmt: skip
        grand = [Decimal(0)] * 6
        current = None
        sums = [Decimal(0)] * 6

        def close() -> None:
            if current is not None:
                out.writerow([f"Total - {current.name}", "", "", "", "", "", *(_money(s, True) for s in sums)])

        for account, n, invoice_date, due, amount, outstanding, days in _invoices(rows):
            if account is not current:
                close()
                current, sums = account, [Decimal(0)] * 6
                out.writerow([account.name] + [""] * 11)
            buckets = [Decimal("0.00")] * 5
            buckets[0 if days <= 0 else min(4, (days - 1) // 30 + 1)] = outstanding
            kind = "Credit Memo" if amount < 0 else "Invoice"
            out.writerow([account.name, kind, f"{invoice_date.month}/{invoice_date.day}/{invoice_date.year}",
                          f"INV{n:07d}", f"{due.month}/{due.day}/{due.year}", str(days) if days > 0 else "",
                          _money(outstanding, True), *(_money(b, True) for b in buckets)])  # fmt: skip
            figures = [outstanding, *buckets]
            sums = [a + b for a, b in zip(sums, figures, strict=True)]
            grand = [a + b for a, b in zip(grand, figures, strict=True)]
        close()
        out.writerow(["Total", "", "", "", "", "", *(_money(s, True) for s in grand)])


def sage(path: Path, rows: int) -> None:
    """Sage 50 Aged Debtors Analysis (Detailed), Windows-1252 with CRLF, a "Totals:" row."""
    with path.open("w", newline="", encoding="cp1252", errors="replace") as handle:
        out = csv.writer(handle)
        out.writerows([["Aged Debtors Analysis (Detailed)"], ["Benchmark & Sons Ltd"], ["Date: 02/04/2025"],
                       ["Report Date: 31/03/2025"], []])  # fmt: skip
        out.writerow(["A/C", "Name", "Type", "Date", "Ref", "Due Date", "Balance", "Future", "Current", "Period 1",
                      "Period 2", "Period 3", "Older"])  # fmt: skip
        grand = [Decimal(0)] * 7
        for account, n, invoice_date, due, amount, outstanding, _days in _invoices(rows):
            buckets = _month_buckets(invoice_date, due, outstanding)
            out.writerow([account.code, account.name, "SC" if amount < 0 else "SI", invoice_date.strftime("%d/%m/%Y"),
                          str(9000 + n), due.strftime("%d/%m/%Y"), f"{outstanding:.2f}",
                          *(f"{b:.2f}" for b in buckets)])  # fmt: skip
            grand = [a + b for a, b in zip(grand, [outstanding, *buckets], strict=True)]
        out.writerow(["", "", "", "", "", "Totals:", *(f"{s:.2f}" for s in grand)])


GENERATORS: dict[str, Callable[[Path, int], None]] = {
    "canonical": canonical,
    "quickbooks": quickbooks,
    "xero": xero,
    "netsuite": netsuite,
    "sage": sage,
}


def parse(path: Path) -> tuple[int, int]:
    """(rows read, issues) of one pass."""
    rows = issues = 0
    with path.open("rb") as handle:
        for item in read_report(handle):
            if isinstance(item, RowIssue):
                issues += 1
            else:
                rows += 1
    return rows, issues


def timed(path: Path) -> float:
    """Seconds for the pass the task measures: rows that are not RowIssue, counted."""
    started = time.perf_counter()
    with path.open("rb") as handle:
        rows = sum(1 for item in read_report(handle) if not isinstance(item, RowIssue))
    elapsed = time.perf_counter() - started
    assert rows, path
    return elapsed


def reference(path: Path) -> float:
    """Seconds for the least a parser of the canonical file must do: csv, Decimal and date.fromisoformat per row."""
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        columns = next(reader)
        dates = [columns.index(c) for c in ("Invoice_Date", "Due_Date", "Snapshot_Date")]
        amounts = [i for i, c in enumerate(columns) if c.startswith(("Invoice_Amount", "Total_", "Days_"))]
        for row in reader:
            for i in amounts:
                Decimal(row[i])
            for i in dates:
                datetime.date.fromisoformat(row[i])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="canonical rows (default 200,000)")
    parser.add_argument("--other-rows", type=int, default=100_000, help="rows of each system export")
    parser.add_argument("--formats", nargs="+", choices=sorted(GENERATORS), default=list(GENERATORS))
    parser.add_argument("--repeat", type=int, default=3, help="passes per file; the best is reported")
    parser.add_argument("--profile", choices=sorted(GENERATORS), help="print a cProfile of one pass instead")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fw-parse-bench-") as tmp:
        names = [args.profile] if args.profile else args.formats
        for name in names:
            rows = args.rows if name == "canonical" else args.other_rows
            path = Path(tmp) / f"{name}.csv"
            GENERATORS[name](path, rows)
            read, issues = parse(path)  # warm-up, and a sanity check of the generated file
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(parse, path)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
                return
            best = min(timed(path) for _ in range(args.repeat))
            size = path.stat().st_size / 1e6
            rate = read / best
            print(f"{name:<11} {read:>8,} rows ({issues} issues, {size:.1f} MB): {rate:>9,.0f} rows/s", flush=True)
            if name == "canonical":
                floor = read / min(reference(path) for _ in range(args.repeat))
                print(f"{'':<11} (for reference, a bare csv + Decimal + date.fromisoformat loop: {floor:,.0f} rows/s)")


if __name__ == "__main__":
    main()
