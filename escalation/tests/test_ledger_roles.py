"""The tightened ledger check: each figure must be the right one in its place — an amount its own invoice's, a date
its role's — and what is not yet due is not asked for (no database needed)."""

import copy
from types import SimpleNamespace

import pytest

from escalation.writing.checks import ledger_check

FACTS = {
    "organization": {
        "name": "Riverbend Office Supply",
        "sender_name": "Dana at Riverbend",
        "signature": "Dana Whitfield\nRiverbend Office Supply",
        "payment_instructions": "Pay by card at the link below.",
        "payment_link": "https://pay.riverbend.example/inv",
        "locale": "en-US",
    },
    "account": {"name": "Northwind Traders", "client_id": "C-1001"},
    "contact": {"first_name": "Maria", "last_name": "Anders", "full_name": "Maria Anders"},
    "currency": "USD",
    "as_of": "2025-02-28",
    "today": "2025-03-05",
    "degree": 2,
    "invoices": [
        {
            "invoice_no": "INV-24017",
            "invoice_date": "2024-09-12",
            "due_date": "2024-10-12",
            "amount": "4820.00",
            "outstanding": "4820.00",
            "days_overdue": 144,
        },
        {
            "invoice_no": "INV-24388",
            "invoice_date": "2024-10-15",
            "due_date": "2024-11-14",
            "amount": "1700.50",
            "outstanding": "1700.50",
            "days_overdue": 106,
        },
    ],
    "coming_due": [
        {
            "invoice_no": "INV-25102",
            "invoice_date": "2025-02-20",
            "due_date": "2025-03-22",
            "amount": "5696.73",
            "outstanding": "5696.73",
            "days_overdue": 0,
        }
    ],
    "credits": [
        {
            "invoice_no": "CM-0031",
            "invoice_date": "2025-01-20",
            "due_date": None,
            "amount": "-450.00",
            "outstanding": "-450.00",
            "days_overdue": 0,
        }
    ],
    "total_overdue": "6520.50",
    "total_due": "6070.50",
    "oldest_days_overdue": 144,
    "oldest_due_date": "2024-10-12",
    "reply_by": "2025-03-12",
    "previous_emails": [{"date": "2025-02-01", "degree": 1, "subject": "Payment reminder"}],
    "broken_promise": None,
}

BODY = """Dear Maria,

As of 28 February 2025 these invoices are overdue on the Northwind Traders account:
- INV-24017, dated 12 September 2024, due 12 October 2024: 4,820.00 USD outstanding (144 days overdue)
- INV-24388, dated 15 October 2024, due 14 November 2024: 1,700.50 USD outstanding (106 days overdue)
- CM-0031, credit note dated 20 January 2025: credit of 450.00 USD

Total overdue: 6,520.50 USD
Total due: 6,070.50 USD

Please arrange payment of the total due by 12 March 2025.
Pay by card at the link below.
Pay online: https://pay.riverbend.example/inv

Kind regards,
Dana Whitfield
Riverbend Office Supply
"""
SUBJECT = "Overdue balance: 6,070.50 USD"


def check(body=BODY, subject=SUBJECT, **changes):
    facts = copy.deepcopy(FACTS)
    facts.update(changes)
    return ledger_check(subject=subject, body=body, facts=facts)


def body_with(*pairs):
    body = BODY
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in body, old
        body = body.replace(old, new)
    return body


def assert_fails(result, *fragments):
    assert not result.passed
    text = " | ".join(result.failures)
    for fragment in fragments:
        assert fragment in text, text


def test_the_honest_email_passes_and_the_figures_are_tied_to_their_invoices():
    result = check()
    assert result.passed, result.failures
    owned = {item["value"]: item.get("invoice") for item in result.found["amounts"]}
    assert owned["4820.00"] == "INV-24017" and owned["1700.50"] == "INV-24388" and owned["450.00"] == "CM-0031"
    assert owned["6070.50"] is None


def test_typed_facts_are_read_through_as_dict():
    typed = SimpleNamespace(as_dict=lambda: copy.deepcopy(FACTS))
    assert ledger_check(subject=SUBJECT, body=BODY, facts=typed).passed


def test_amounts_swapped_between_two_invoices_fail_though_the_total_is_right():
    result = check(
        body_with(
            "4,820.00 USD outstanding",
            "1,700.50 USD outstanding",
            "1,700.50 USD outstanding (106",
            "4,820.00 USD outstanding (106",
        )
    )
    assert_fails(
        result,
        "amount 1,700.50 is on the line of invoice INV-24017 but is not its amount or outstanding (INV-24017: 4,820",
        "amount 4,820.00 is on the line of invoice INV-24388",
    )


def test_a_line_that_starts_with_the_figure_ties_it_to_the_number_after_it():
    prose = "4,820.00 USD is due for INV-24017 and 1,700.50 USD for INV-24388, less CM-0031."
    body = body_with(
        "- INV-24017, dated 12 September 2024, due 12 October 2024: 4,820.00 USD outstanding (144 days overdue)\n"
        "- INV-24388, dated 15 October 2024, due 14 November 2024: 1,700.50 USD outstanding (106 days overdue)\n",
        prose + "\n",
    )
    assert check(body).passed, check(body).failures
    swapped = prose.replace("4,820.00", "X").replace("1,700.50", "4,820.00").replace("X", "1,700.50")
    assert_fails(check(body.replace(prose, swapped)), "is on the line of invoice INV-24017")


@pytest.mark.parametrize(
    ("moved_to", "message"),
    [
        (
            "due 14 November 2024: 4,820",
            'date "14 November 2024" is on the line of invoice INV-24017, whose due date 12',
        ),
        ("due 28 February 2025: 4,820", 'date "28 February 2025" is on the line of invoice INV-24017'),
        ("due 12 September 2024: 4,820", "whose due date 12 October 2024"),
    ],
)
def test_a_due_date_moved_onto_another_ledger_date_fails(moved_to, message):
    assert_fails(check(body_with("due 12 October 2024: 4,820", moved_to)), message)


def test_an_invoice_date_off_its_line_says_where_it_belongs():
    result = check(body_with("Please arrange", "Your oldest invoice was issued on 12 September 2024.\nPlease arrange"))
    assert_fails(result, "it is invoice INV-24017's invoice date, which belongs on that invoice's line")
    oldest = check(body_with("Please arrange", "The oldest invoice fell due on 12 October 2024.\nPlease arrange"))
    assert oldest.passed, oldest.failures


def test_todays_date_is_not_the_report_date():
    assert_fails(check(body_with("As of 28 February 2025", "As of 5 March 2025")), 'date "5 March 2025"')


def test_a_day_count_is_its_own_invoices():
    assert_fails(check(body_with("(144 days overdue)", "(106 days overdue)")), "which is 144 days overdue")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("5.696", 'amount "5.696" is 5,696.73 cut short'),
        ("5,696", 'amount "5,696" is 5,696.73 cut short'),
        ("4,820.000", 'number "4,820.000" has 3 decimals'),
        ("4.8200", 'number "4.8200" has 4 decimals'),
    ],
)
def test_three_decimals_and_cut_short_amounts_fail(written, message):
    body = body_with("Total due: 6,070.50 USD", f"Total due: 6,070.50 USD\nAlso open: {written} USD")
    assert_fails(check(body), message)


def test_a_whole_amount_without_cents_is_still_that_amount():
    assert check(body_with("4,820.00 USD outstanding", "4.820 USD outstanding")).passed


@pytest.mark.parametrize(
    "words",
    [
        "four thousand eight hundred and twenty dollars",
        "forty-five dollars",
        "five thousand six hundred",
        "fünftausend Euro",
    ],
)
def test_amounts_in_words_fail(words):
    assert_fails(
        check(body_with("Please arrange", f"That is {words}.\nPlease arrange")), f'"{words}" is a figure in words'
    )


def test_number_words_that_are_not_amounts_pass():
    body = body_with("Please arrange", "Two invoices and one credit; we are one hundred percent sure.\nPlease arrange")
    assert check(body).passed, check(body).failures


def test_the_total_line_must_carry_the_total_due():
    assert_fails(check(body_with("Total due: 6,070.50", "Total due: 6,520.50")), "amount 6,520.50 is stated as a total")
    assert_fails(
        check(body_with("Total due: 6,070.50 USD", "Total due: 4,820.00 USD"), subject="Overdue: 6,070.50 USD"),
        "amount 4,820.00 is stated as a total, but the total due is 6,070.50",
    )


def test_a_coming_due_invoice_may_be_mentioned_as_upcoming_below_degree_3_only():
    upcoming = body_with("Total overdue", "Not yet due: INV-25102, due 22 March 2025: 5,696.73 USD\n\nTotal overdue")
    assert check(upcoming).passed, check(upcoming).failures
    assert_fails(check(upcoming, degree=3), "invoice INV-25102 is not yet due (due 22 March 2025) and must not appear")
    asked = body_with("- CM-0031", "- INV-25102, due 22 March 2025: 5,696.73 USD outstanding\n- CM-0031")
    assert_fails(check(asked), "invoice INV-25102 is not yet due (due 22 March 2025): it may only be mentioned as")


def test_a_total_that_counts_the_coming_due_invoice_fails():
    assert_fails(
        check(body_with("Total due: 6,070.50", "Total due: 11,767.23")), "amount 11,767.23 is not in the ledger"
    )


def test_a_broken_promise_may_be_named_with_its_date_and_amount():
    promise = {"promised_date": "2025-02-15", "amount": "1700.50"}
    body = body_with("Please arrange", "You promised to pay 1,700.50 USD by 15 February 2025.\nPlease arrange")
    assert check(body, broken_promise=promise).passed
    assert_fails(check(body), 'date "15 February 2025" is not in the ledger')
