"""The ledger check: every figure in a collection email must be exactly the ledger's (no database needed)."""

import copy
import json

import pytest

from escalation.writing.checks import LedgerCheck, ledger_check

FACTS = {
    "organization": {
        "name": "Riverbend Office Supply",
        "sender_name": "Dana at Riverbend",
        "signature": "Dana Whitfield\nAccounts Receivable\nRiverbend Office Supply\nTel. +1 (555) 010-2000\n"
        "Suite 1200, 45 Market Street",
        "payment_instructions": "Pay by bank transfer to account 12345678 (routing 021000021) or by card at the "
        "link below.",
        "payment_link": "https://pay.riverbend.example/inv",
    },
    "account": {"name": "Northwind Traders", "client_id": "C-1001"},
    "contact": {"first_name": "Maria", "last_name": "Anders", "full_name": "Maria Anders"},
    "currency": "USD",
    "as_of": "2025-02-28",
    "today": "2025-03-05",
    "degree": 2,
    "total_due": "6070.50",
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
        {
            "invoice_no": "CM-0031",
            "invoice_date": "2025-01-20",
            "due_date": None,
            "amount": "-450.00",
            "outstanding": "-450.00",
            "days_overdue": 0,
        },
    ],
    "oldest_days_overdue": 144,
    "reply_by": "2025-03-12",
    "previous_emails": [{"date": "2025-02-01", "degree": 1}],
    "something_new": "extra keys are ignored",
}

SUBJECT = "Northwind Traders: 6,070.50 USD past due"
BODY = """Dear Maria,

Our records as of February 28, 2025 show the following open items on your account:

- INV-24017 (issued 2024-09-12, due 12 October 2024): $4,820.00, 144 days overdue
- INV-24388 (issued 15 October 2024, due 14 November 2024): USD 1,700.50, 106 days past due
- CM-0031: a credit of 450.00

The total due is 6,070.50 USD. We last wrote to you on 1 February 2025. Please arrange payment by 12/03/2025.

Pay by bank transfer to account 12345678 (routing 021000021) or by card at the link below.
https://pay.riverbend.example/inv

If you have questions, call us at +1 (555) 010-2000.

Regards,
Dana Whitfield
Accounts Receivable
Riverbend Office Supply
Tel. +1 (555) 010-2000
Suite 1200, 45 Market Street
"""


def facts(**changes):
    result = copy.deepcopy(FACTS)
    result.update(changes)
    return result


def check(subject=SUBJECT, body=BODY, **fact_changes) -> LedgerCheck:
    return ledger_check(subject=subject, body=body, facts=facts(**fact_changes))


def body_with(old, new):
    assert old in BODY
    return BODY.replace(old, new)


def assert_fails(result, *fragments):
    assert not result.passed
    text = " | ".join(result.failures)
    for fragment in fragments:
        assert fragment in text, text


def test_a_correct_email_passes():
    result = check()
    assert result.passed, result.failures
    assert result.failures == ()


def test_found_is_json_serialisable_provenance():
    result = check()
    json.dumps(result.found)
    assert result.found["invoice_numbers"]["mentioned"] == ["INV-24017", "INV-24388", "CM-0031"]
    assert {item["value"] for item in result.found["amounts"]} == {"4820.00", "1700.50", "450.00", "6070.50"}
    assert result.found["links"] == ["https://pay.riverbend.example/inv"]
    assert {item["days"] for item in result.found["day_counts"]} == {144, 106}
    assert "2025-03-12" in {reading for item in result.found["dates"] for reading in item["readings"]}


def test_the_result_is_frozen():
    result = check()
    with pytest.raises(AttributeError):
        result.passed = False


def test_an_invented_amount_fails_naming_it_and_the_ledger():
    result = check(body=body_with("$4,820.00", "$4,280.00"))
    assert_fails(result, "amount 4,280.00 is not in the ledger (invoices: 4,820.00, 1,700.50, -450.00; total due")


def test_a_sum_other_than_the_total_due_fails():
    result = check(body=body_with("a credit of 450.00", "a credit of 450.00 (6,520.50 before the credit)"))
    assert_fails(result, "amount 6,520.50 is not in the ledger")


@pytest.mark.parametrize("written", ["$4,820.00", "USD 4,820.00", "4820.00", "4,820.00 USD", "US$4,820.00", "$4820"])
def test_amount_formats_are_all_accepted(written):
    result = check(body=body_with("$4,820.00", written))
    assert result.passed, result.failures


@pytest.mark.parametrize("written", ["$4,280", "4.280,00", "4,280.00 USD", "USD 4280"])
def test_wrong_amounts_are_caught_in_every_format(written):
    assert_fails(check(body=body_with("$4,820.00", written)), "is not in the ledger")


@pytest.mark.parametrize("written", ["a credit of 450.00", "(450.00)", "-450.00", "-$450.00", "($450.00)"])
def test_credits_may_be_written_positive_negative_or_parenthesised(written):
    result = check(body=body_with("a credit of 450.00", written))
    assert result.passed, result.failures


def test_an_explicit_minus_must_match_a_credit():
    assert_fails(check(body=body_with("$4,820.00", "-4,820.00")), "amount -4,820.00 is not in the ledger")


def test_numbers_in_signature_phone_invoice_numbers_and_dates_are_not_amounts():
    result = check()
    assert result.passed, result.failures
    values = {item["value"] for item in result.found["amounts"]}
    assert not values & {"555", "2000", "1200", "45", "12345678", "24017", "2025", "144"}


def test_numeric_invoice_numbers_are_not_amounts_and_unknown_ones_are_caught():
    numeric = facts(
        invoices=[
            {"invoice_no": "3107", "invoice_date": "2024-12-01", "amount": "880.00", "outstanding": "880.00"},
            {"invoice_no": "7781", "invoice_date": "2025-01-05", "amount": "120.00", "outstanding": "120.00"},
        ],
        total_due="1000.00",
    )
    body = (
        "Hello,\n\nInvoice 3107 (1 December 2024) for 880.00 USD and invoice #7781 (5 January 2025) for 120.00 USD "
        "are open. The total due is 1,000.00 USD.\n\nRegards,\nDana"
    )
    assert ledger_check(subject="Overdue balance", body=body, facts=numeric).passed
    invented = body.replace("invoice #7781", "invoice #7781 and invoice 9921")
    result = ledger_check(subject="Overdue balance", body=invented, facts=numeric)
    assert_fails(result, "invoice 9921 is not one of this account's open invoices")


def test_a_dropped_invoice_fails():
    result = check(body=body_with("- CM-0031: a credit of 450.00\n", ""))
    assert_fails(result, "invoice CM-0031 is not mentioned")


def test_an_invoice_number_must_appear_on_word_boundaries():
    result = check(body=body_with("INV-24388 (", "INV-243881 ("))
    assert_fails(result, "invoice INV-24388 is not mentioned", "invoice INV-243881 is not one of this account's")


def test_an_invented_invoice_number_fails():
    result = check(body=body_with("- CM-0031", "- INV-99999: 0.00\n- CM-0031"))
    assert_fails(result, "invoice INV-99999 is not one of this account's open invoices")
    assert "INV-99999" in result.found["invoice_numbers"]["unknown"]


def test_an_invented_credit_note_of_the_same_shape_fails():
    assert_fails(check(body=body_with("CM-0031", "CM-0031 and CM-0032")), "invoice CM-0032 is not one of")


def test_a_missing_total_due_fails():
    result = check(subject="Your account is past due", body=body_with("The total due is 6,070.50 USD. ", ""))
    assert_fails(result, "the total due (6,070.50) is not stated as an amount")


def test_the_total_in_the_subject_counts():
    assert check(body=body_with("The total due is 6,070.50 USD. ", "")).passed


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("USD 1,700.50", "EUR 1,700.50", "currency EUR does not match the account's currency USD"),
        ("$4,820.00", "€4,820.00", "currency € (EUR) does not match"),
        ("$4,820.00", "£4,820.00", "currency £ (GBP) does not match"),
        ("$4,820.00", "C$4,820.00", "currency C$ (CAD) does not match"),
        ("a credit of 450.00", "a credit of 450.00 euros", "currency euros (EUR) does not match"),
    ],
)
def test_a_wrong_currency_code_or_symbol_fails(old, new, message):
    assert_fails(check(body=body_with(old, new)), message)


def test_the_dollar_sign_is_fine_for_other_dollar_currencies():
    cad = check(subject=SUBJECT.replace("USD", "CAD"), body=BODY.replace("USD", "CAD"), currency="CAD")
    assert cad.passed, cad.failures
    assert_fails(check(body=BODY.replace("USD", "CAD"), currency="CAD"), "currency USD does not match")


@pytest.mark.parametrize(
    "invented", ["15 March 2025", "2025-03-15", "March 15, 2025", "13/04/2025", "15 March", "2025-02-30"]
)
def test_an_invented_date_fails(invented):
    assert_fails(check(body=body_with("12/03/2025", invented)), f'date "{invented}" is not in the ledger')


@pytest.mark.parametrize(
    "written", ["12/03/2025", "03/12/2025", "12.03.2025", "12 March", "March 12th", "12th of March"]
)
def test_numeric_dates_are_read_both_ways_and_year_less_dates_by_month_and_day(written):
    result = check(body=body_with("12/03/2025", written))
    assert result.passed, result.failures


@pytest.mark.parametrize(
    "wrong", ["150 days overdue", "150 days past due", "overdue by 150 days", "145 days late", "100-day overdue"]
)
def test_a_wrong_day_count_fails(wrong):
    assert_fails(check(body=body_with("144 days overdue", wrong)), "does not match the ledger (days overdue: 144, 106")


def test_other_day_counts_are_not_figures_and_lower_bounds_are_accepted():
    result = check(body=body_with("144 days overdue", "more than 90 days overdue, 3 days after our reminder"))
    assert result.passed, result.failures
    assert_fails(check(body=body_with("144 days overdue", "more than 200 days overdue")), "more than 200 days")


@pytest.mark.parametrize(
    "placeholder", ["{first_name}", "{{ total }}", "[Name]", "[INSERT DATE]", "<AMOUNT>", "XXX", "TBD"]
)
def test_an_unfilled_placeholder_fails(placeholder):
    assert_fails(check(body=body_with("Dear Maria,", f"Dear Maria, {placeholder}")), f'placeholder "{placeholder}"')


def test_a_placeholder_in_the_subject_fails():
    assert_fails(check(subject="{account_name}: 6,070.50 USD past due"), 'placeholder "{account_name}"')


def test_a_foreign_link_fails():
    result = check(body=body_with("https://pay.riverbend.example/inv", "https://pay.riverbend-secure.example/inv"))
    assert_fails(result, 'link "https://pay.riverbend-secure.example/inv" is not the payment link')


@pytest.mark.parametrize(
    "link",
    ["https://pay.riverbend.example/inv/", "https://pay.riverbend.example/inv.", "(https://pay.riverbend.example/inv)"],
)
def test_the_payment_link_passes_with_a_trailing_slash_or_period(link):
    result = check(body=body_with("https://pay.riverbend.example/inv", link))
    assert result.passed, result.failures


def test_any_link_fails_without_a_payment_link():
    organization = {**FACTS["organization"], "payment_link": ""}
    assert_fails(check(organization=organization), "the account has no payment link")


def test_an_email_address_not_in_the_facts_fails_and_one_in_the_facts_passes():
    result = check(body=body_with("call us at", "write to ar@riverbend.example or call us at"))
    assert_fails(result, 'email address "ar@riverbend.example" is not in the ledger facts')
    organization = {**FACTS["organization"], "signature": FACTS["organization"]["signature"] + "\nar@riverbend.example"}
    assert check(
        body=body_with("call us at", "write to ar@riverbend.example or call us at"), organization=organization
    ).passed


def test_a_legal_threat_fails_at_degree_2_and_passes_at_degree_5():
    threat = body_with(
        "If you have questions",
        "Otherwise we will pass this to our attorney and take you to court. If you have questions",
    )
    assert_fails(check(body=threat), '"attorney" threatens legal action', "(this is degree 2, firm reminder)")
    assert check(body=threat, degree=5).passed


def test_degree_4_may_warn_of_further_action_only():
    # The old rule let degree 4 name a collection agency; one table (claims_rules.py) now allows it at 5 only.
    warning = body_with("If you have questions", "Otherwise we may take further action. If you have questions")
    assert_fails(check(body=warning, degree=3), '"further action" warns of further action')
    assert check(body=warning, degree=4).passed
    agency = body_with("If you have questions", "We may pass this to a collection agency. If you have questions")
    assert_fails(check(body=agency, degree=4), '"collection agency" threatens debt recovery', "only a degree-5")
    lawsuit = body_with("If you have questions", "Otherwise we will sue. If you have questions")
    assert_fails(check(body=lawsuit, degree=4), '"sue" threatens legal action', "only a degree-5")


def test_a_contact_called_sue_is_not_a_threat():
    result = check(
        body=body_with("Dear Maria,", "Dear Sue,"), contact={"first_name": "Sue", "last_name": "", "full_name": "Sue"}
    )
    assert result.passed, result.failures


def test_even_degree_5_rejects_invented_figures():
    assert_fails(check(body=body_with("$4,820.00", "$4,820.00 plus 250.00 in fees"), degree=5), "amount 250.00")


def test_length_limits():
    assert_fails(check(subject=""), "the subject is empty")
    assert_fails(check(subject="x" * 151), "at most 150")
    assert_fails(check(subject="Past due\nBcc: someone"), "single line")
    assert_fails(check(body="Dear Maria, INV-24017 INV-24388 CM-0031 total 6,070.50."), "at least 80")
    assert_fails(check(body=BODY + "." * 5000), "at most 5,000")


def test_digits_in_the_account_name_and_payment_instructions_are_not_amounts():
    organization = {
        **FACTS["organization"],
        "payment_instructions": "Wire to IBAN GB29 NWBK 6016 1331 9268 19, fee 25.00.",
    }
    result = check(
        account={"name": "7-Eleven Store 42.50", "client_id": "C-1001"},
        organization=organization,
        body=body_with(
            "Our records",
            "Account 7-Eleven Store 42.50. Wire to IBAN GB29 NWBK 6016 1331 9268 19, fee 25.00.\n\nOur records",
        ).replace(FACTS["organization"]["payment_instructions"], ""),
    )
    assert result.passed, result.failures


def test_percentages_and_times_are_not_amounts():
    result = check(body=body_with("If you have questions", "Our office is open until 5.30 pm. If you have questions"))
    assert result.passed, result.failures


@pytest.mark.parametrize("written", ["USD6,999.99", "6,999.99USD", "6 999,99 USD", "6.999,99 USD"])
def test_amounts_glued_to_a_code_or_grouped_european_style_are_still_read(written):
    assert_fails(check(body=body_with("$4,820.00", f"$4,820.00 ({written})")), "is not in the ledger")


def test_a_day_count_after_a_numeric_invoice_number_is_not_an_invoice():
    numeric = facts(
        invoices=[{"invoice_no": "3107", "amount": "880.00", "outstanding": "880.00", "days_overdue": 40}],
        total_due="880.00",
        oldest_days_overdue=40,
    )
    body = "Hello,\n\nInvoice 3107, 40 days overdue, for 880.00 USD is still open; please pay it soon.\n\nRegards"
    result = ledger_check(subject="Overdue balance", body=body, facts=numeric)
    assert result.passed, result.failures


def test_an_address_in_the_contact_name_does_not_vouch_for_it():
    contact = {"first_name": "evil@attacker.example", "last_name": "", "full_name": ""}
    body = body_with("call us at", "write to evil@attacker.example or call us at")
    assert_fails(check(body=body, contact=contact), 'email address "evil@attacker.example"')
