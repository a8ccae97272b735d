"""The claims check: what an email may claim or threaten, by degree, from the one table the prompt shares (no
database needed)."""

import copy

import pytest

from escalation.tests.test_ledger_roles import BODY, FACTS, SUBJECT
from escalation.writing.checks import CLAIMS, CustomerNames, claims_prompt_lines, ledger_check
from escalation.writing.checks.claims_rules import allowed_at


def check(sentence="", *, degree=2, body=BODY, template_data=None, others=(), **changes):
    facts = copy.deepcopy(FACTS)
    facts.update(degree=degree, **changes)
    if sentence:
        body = body.replace("Please arrange payment", f"{sentence}\nPlease arrange payment")
    return ledger_check(
        subject=SUBJECT, body=body, facts=facts, other_customer_names=others, template_data=template_data
    )


def assert_fails(result, *fragments):
    assert not result.passed
    text = " | ".join(result.failures)
    for fragment in fragments:
        assert fragment in text, text


def test_the_honest_email_passes_at_every_degree():
    for degree in range(1, 6):
        assert check(degree=degree).passed, (degree, check(degree=degree).failures)


@pytest.mark.parametrize(
    "claim",
    [
        "We have received your payment.",
        "Your payment of 1,700.50 USD has been applied.",
        "Thank you for your recent payment.",
        "Wir haben Ihre Zahlung erhalten.",
    ],
)
def test_a_payment_received_fails_unless_the_facts_list_one(claim):
    assert_fails(check(claim), "claims a payment was received, applied or credited, which the facts do not show")
    credits = [{**FACTS["credits"][0], "kind": "payment"}]
    assert check(claim, credits=credits).passed


def test_a_conditional_thank_you_is_not_a_claim():
    assert check("If you have paid since 28 February 2025, thank you - please ignore this.").passed


@pytest.mark.parametrize(
    "details",
    [
        "Please use our new bank account.",
        "Our bank details have changed.",
        "IBAN DE89 3704 0044 0532 0130 00",
        "Sort code 20-00-00.",
        "Routing number 021000021.",
        "SWIFT/BIC: COBADEFFXXX",
        "Pay to account number 98765432.",
    ],
)
def test_bank_details_fail_outside_the_organizations_own_instructions(details):
    assert_fails(check(details), "gives bank or payment details; only the organization's own payment instructions")


def test_the_organizations_own_bank_details_pass():
    instructions = "Bank transfer: IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX, account number 0532013000."
    organization = {**FACTS["organization"], "payment_instructions": instructions}
    body = BODY.replace("Pay by card at the link below.", instructions)
    assert check(body=body, organization=organization).passed, check(body=body, organization=organization).failures


@pytest.mark.parametrize(
    "deadline",
    [
        "Please pay within 2 days.",
        "Pay within 48 hours.",
        "Pay by Friday.",
        "by the end of the week",
        "a 2-day deadline",
    ],
)
def test_a_deadline_other_than_the_reply_by_date_fails(deadline):
    assert_fails(check(deadline), "sets a deadline; the only deadline an email gives is the reply-by date (12 March")


THREATS = {
    "late fees": ("A late fee will be added.", None),
    "interest": ("We will charge 8 % interest.", None),
    "suspension": ("We will suspend your account.", 5),
    "credit agencies": ("We will inform the credit agencies.", 5),
    "debt recovery partner": ("We will pass this to our debt recovery partner.", 5),
    "collection agency": ("We will refer this to a collection agency.", 5),
    "courts": ("We will take you to court.", 5),
    "further action": ("We may take further action.", 4),
}


@pytest.mark.parametrize("name", THREATS)
@pytest.mark.parametrize("degree", [1, 2, 3, 4, 5])
def test_threats_by_degree(name, degree):
    sentence, allowed_from = THREATS[name]
    result = check(sentence, degree=degree)
    if allowed_from is not None and degree >= allowed_from:
        assert result.passed, result.failures
    else:
        assert not result.passed
        assert any(f"this is degree {degree}" in failure or "never" in failure for failure in result.failures), (
            result.failures
        )


def test_a_template_can_tighten_but_not_loosen():
    assert_fails(
        check("We will suspend your account.", degree=5, template_data={"forbid": ["suspension"]}),
        "which this template forbids",
    )
    assert not check("A late fee applies.", template_data={"allow": ["interest_fees"], "forbid": []}).passed
    assert check(template_data={"forbid": ["no-such-claim"]}).passed


def test_the_prompt_and_the_check_read_one_table():
    for degree in range(1, 6):
        lines = claims_prompt_lines(degree, {})
        for claim in CLAIMS:
            if not allowed_at(claim, degree):
                assert claim.prompt in lines
    assert "Do not mention credit reporting, credit agencies or credit bureaus." in claims_prompt_lines(4, {})
    assert "Do not mention credit reporting, credit agencies or credit bureaus." not in claims_prompt_lines(5, {})
    assert "Do not threaten to suspend service, deliveries or the account." in claims_prompt_lines(
        5, {"forbid": ["suspension"]}
    )
    assert not any("further action" in line for line in claims_prompt_lines(4, {}))


OTHERS = ["Tidewater Plumbing LLC", "Acme", "Summit", "Müller & Söhne GmbH", "Northwind Traders", "Blue Sky Ltd"]


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Unlike Tidewater Plumbing, you have not paid.", "Tidewater Plumbing"),
        ("Like tidewater plumbing llc did.", "tidewater plumbing llc"),
        ("Ask Mueller or Müller und Söhne about us.", "Müller und Söhne"),
        ("We also supply Acme every week.", "Acme"),
        ("As Blue Sky did last month.", "Blue Sky"),
    ],
)
def test_another_customer_named_fails(sentence, named):
    assert_fails(check(sentence, others=OTHERS), f'"{named}"', "names another customer")


@pytest.mark.parametrize(
    "sentence",
    [
        "Acme is a word at the start of a sentence.",
        "The summit of our year.",
        "We will meet at the Summit next week.",
        "Our blue sky thinking.",
    ],
)
def test_generic_words_and_the_own_account_are_not_other_customers(sentence):
    result = check(sentence, others=OTHERS)
    assert not any("names another customer" in failure for failure in result.failures), result.failures


def test_the_customer_index_is_built_once_and_reused():
    index = CustomerNames([f"Customer Number{n} Ltd" for n in range(5000)] + OTHERS)
    assert_fails(check("Like Customer Number4711.", others=index), '"Customer Number4711"')
    assert check(others=index).passed


@pytest.mark.parametrize(
    "reference",
    [
        "Despite our previous notices, this is unpaid.",
        "As we wrote on 1 February 2025, this is overdue.",
        "This is our second reminder.",
        "We are writing again about this.",
        "Our last reminder went unanswered.",
    ],
)
def test_earlier_notices_need_earlier_emails(reference):
    assert check(reference.replace(" on 1 February 2025", "")).passed
    assert_fails(check(reference, previous_emails=[]), "refers to earlier notices, but the facts list no earlier email")


def test_final_language_needs_degree_4_and_an_earlier_email():
    assert check("This is a final notice.", degree=4).passed
    assert_fails(check("This is a final notice.", degree=3), "final-notice language")
    assert_fails(check("This is a final notice.", degree=4, previous_emails=[]), "final-notice language")


def test_claims_are_kept_in_found():
    result = check("We have received your payment.")
    assert {"claim": "payment_received", "text": "We have received your payment", "allowed": False} in result.found[
        "claims"
    ]
