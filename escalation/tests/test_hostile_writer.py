"""A hostile writer: honest emails for a small ledger, rendered the way the app renders them (en-US and de-DE, money
and dates from accounts.formatting / Babel), must pass; each kind of wrong email must fail with a sentence a
collector can read. The test ids name the kinds (no database needed)."""

import copy
import datetime
from decimal import Decimal

import pytest
from babel.dates import format_date

from accounts.formatting import format_money
from escalation.writing.checks import ledger_check

FACTS = {
    "organization": {
        "name": "Riverbend Office Supply",
        "sender_name": "Dana at Riverbend",
        "signature": "Dana Whitfield\nRiverbend Office Supply\nTel. +1 (555) 010-2000",
        "payment_instructions": "Bank transfer to IBAN DE89 3704 0044 0532 0130 00 (BIC COBADEFFXXX).",
        "payment_link": "https://pay.riverbend.example/inv",
        "locale": "en-US",
    },
    "account": {"name": "Northwind Traders", "client_id": "C-1001"},
    "contact": {"first_name": "Maria", "last_name": "Anders", "full_name": "Maria Anders"},
    "currency": "USD",
    "as_of": "2025-05-26",
    "today": "2025-05-27",
    "degree": 2,
    "invoices": [
        {
            "invoice_no": "INV-1001",
            "invoice_date": "2025-03-12",
            "due_date": "2025-04-11",
            "amount": "4820.00",
            "outstanding": "4820.00",
            "days_overdue": 45,
        },
        {
            "invoice_no": "INV-1002",
            "invoice_date": "2025-04-02",
            "due_date": "2025-05-02",
            "amount": "5696.73",
            "outstanding": "5696.73",
            "days_overdue": 24,
        },
    ],
    "coming_due": [
        {
            "invoice_no": "INV-1004",
            "invoice_date": "2025-05-10",
            "due_date": "2025-06-09",
            "amount": "1200.00",
            "outstanding": "1200.00",
            "days_overdue": 0,
        }
    ],
    "credits": [
        {
            "invoice_no": "CM-0031",
            "invoice_date": "2025-04-20",
            "due_date": None,
            "amount": "-450.00",
            "outstanding": "-450.00",
            "days_overdue": 0,
        }
    ],
    "total_overdue": "10516.73",
    "total_due": "10066.73",
    "oldest_days_overdue": 45,
    "oldest_due_date": "2025-04-11",
    "reply_by": "2025-06-06",
    "previous_emails": [{"date": "2025-05-05", "degree": 1, "subject": "Payment reminder"}],
    "broken_promise": None,
}
OTHER_CUSTOMERS = ["Tidewater Plumbing", "Harbor Freight Lines LLC", "Acme", "Summit"]

WORDS = {
    "en-US": {
        "greeting": "Dear Maria,",
        "intro": "As of {as_of}, these invoices are overdue on the Northwind Traders account:",
        "line": "- {no}, dated {date}, due {due}: {money} outstanding ({days} days overdue)",
        "credit": "- {no}, credit note dated {date}: credit of {money}",
        "coming": "Not yet due: {no}, due {due}: {money}",
        "overdue": "Total overdue: {money}",
        "due": "Total due: {money}",
        "ask": "Please arrange payment of the total due by {reply_by}.",
        "paid": "If you have paid since {as_of}, thank you - please ignore this.",
        "link": "Pay online: {link}",
        "sign_off": "Kind regards,",
    },
    "de-DE": {
        "greeting": "Sehr geehrte Frau Anders,",
        "intro": "Stand {as_of} sind diese Rechnungen von Northwind Traders überfällig:",
        "line": "- {no} vom {date}, fällig am {due}: {money} offen ({days} Tage überfällig)",
        "credit": "- {no}, Gutschrift vom {date}: Gutschrift über {money}",
        "coming": "Noch nicht fällig: {no}, fällig am {due}: {money}",
        "overdue": "Überfällig gesamt: {money}",
        "due": "Zu zahlen: {money}",
        "ask": "Bitte überweisen Sie den Betrag bis zum {reply_by}.",
        "paid": "Falls Sie seit dem {as_of} bezahlt haben, danke - bitte ignorieren Sie diese Nachricht.",
        "link": "Online bezahlen: {link}",
        "sign_off": "Mit freundlichen Grüßen",
    },
}


def facts(locale="en-US", **changes):
    result = copy.deepcopy(FACTS)
    result["organization"]["locale"] = locale
    result["currency"] = "USD" if locale == "en-US" else "EUR"
    result.update(changes)
    return result


def render(ledger: dict) -> tuple[str, str]:
    """The email as the app's renderer writes it: the figures from the ledger in the organization's locale."""
    locale = ledger["organization"]["locale"]
    words = WORDS[locale]

    def money(value):
        return format_money(Decimal(value), ledger["currency"], locale=locale)

    def day(value):
        return format_date(datetime.date.fromisoformat(value), "long", locale=locale.replace("-", "_"))

    lines = [words["intro"].format(as_of=day(ledger["as_of"]))]
    for invoice in ledger["invoices"]:
        lines.append(
            words["line"].format(
                no=invoice["invoice_no"],
                date=day(invoice["invoice_date"]),
                due=day(invoice["due_date"]),
                money=money(invoice["outstanding"]),
                days=invoice["days_overdue"],
            )
        )
    for credit in ledger["credits"]:
        lines.append(
            words["credit"].format(
                no=credit["invoice_no"], date=day(credit["invoice_date"]), money=money(-Decimal(credit["outstanding"]))
            )
        )
    paragraphs = [words["greeting"], "\n".join(lines)]
    if ledger["degree"] < 3:
        paragraphs += [
            words["coming"].format(no=item["invoice_no"], due=day(item["due_date"]), money=money(item["outstanding"]))
            for item in ledger["coming_due"]
        ]
    paragraphs.append(
        words["overdue"].format(money=money(ledger["total_overdue"]))
        + "\n"
        + words["due"].format(money=money(ledger["total_due"]))
    )
    paragraphs.append(
        "\n".join(
            [
                words["ask"].format(reply_by=day(ledger["reply_by"])),
                ledger["organization"]["payment_instructions"],
                words["link"].format(link=ledger["organization"]["payment_link"]),
            ]
        )
    )
    paragraphs.append(words["paid"].format(as_of=day(ledger["as_of"])))
    paragraphs.append("\n".join([words["sign_off"], ledger["organization"]["signature"]]))
    subject = f"{'Overdue balance' if locale == 'en-US' else 'Offener Betrag'}: {money(ledger['total_due'])}"
    return subject, "\n\n".join(paragraphs) + "\n"


def run(ledger, subject, body):
    return ledger_check(subject=subject, body=body, facts=ledger, other_customer_names=OTHER_CUSTOMERS)


@pytest.mark.parametrize("degree", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_honest_emails_pass(locale, degree):
    ledger = facts(locale, degree=degree)
    subject, body = render(ledger)
    result = run(ledger, subject, body)
    assert result.passed, (result.failures, body)


def replaced(body, old, new):
    assert old in body, (old, body)
    return body.replace(old, new)


def swap(body, first, second):
    return body.replace(first, "\ue000").replace(second, first).replace("\ue000", second)


def insert(body, sentence):
    return replaced(body, "\n\nTotal overdue", f"\n\n{sentence}\n\nTotal overdue")


def insert_de(body, sentence):
    return replaced(body, "\n\nÜberfällig gesamt", f"\n\n{sentence}\n\nÜberfällig gesamt")


# kind: (locale, fact changes, how the body is spoiled, what the failure says)
KINDS = {
    "amounts swapped between two invoices (total right)": (
        "en-US",
        {},
        lambda body: swap(body, "$4,820.00 outstanding", "$5,696.73 outstanding"),
        "is on the line of invoice INV-1001 but is not its amount or outstanding",
    ),
    "amounts swapped between two invoices, de-DE": (
        "de-DE",
        {},
        lambda body: swap(body, "4.820,00\xa0€ offen", "5.696,73\xa0€ offen"),
        "is on the line of invoice INV-1001 but is not its amount or outstanding",
    ),
    "due date moved onto another ledger date": (
        "en-US",
        {},
        lambda body: replaced(body, "due April 11, 2025", "due May 2, 2025"),
        'date "May 2, 2025" is on the line of invoice INV-1001, whose due date 11 April 2025',
    ),
    "due date moved onto the report date, de-DE": (
        "de-DE",
        {},
        lambda body: replaced(body, "fällig am 11. April 2025", "fällig am 26. Mai 2025"),
        'date "26. Mai 2025" is on the line of invoice INV-1001, whose due date 11 April 2025',
    ),
    "5.696 for 5,696.73": (
        "en-US",
        {},
        lambda body: replaced(body, "$5,696.73", "$5.696"),
        'amount "5.696" is 5,696.73 cut short',
    ),
    "5.696 for 5.696,73, de-DE": (
        "de-DE",
        {},
        lambda body: replaced(body, "5.696,73\xa0€", "5.696\xa0€"),
        'amount "5.696" is 5,696.73 cut short',
    ),
    "an amount in words": (
        "en-US",
        {},
        lambda body: insert(body, "That is ten thousand and sixty-six dollars in all."),
        '"ten thousand and sixty-six dollars" is a figure in words',
    ),
    "we have received your payment": (
        "en-US",
        {},
        lambda body: insert(body, "We have received your payment for INV-1002, thank you."),
        "claims a payment was received, applied or credited, which the facts do not show",
    ),
    "new bank account details": (
        "en-US",
        {},
        lambda body: insert(body, "Our bank details have changed: please pay to IBAN GB33 BUKB 2020 1555 5555 55."),
        "gives bank or payment details; only the organization's own payment instructions and link may",
    ),
    "another customer named": (
        "en-US",
        {},
        lambda body: insert(body, "Tidewater Plumbing settled a similar balance last week."),
        '"Tidewater Plumbing" names another customer',
    ),
    "a 2-day deadline": (
        "en-US",
        {},
        lambda body: insert(body, "Please pay within 2 days."),
        '"within 2 days" sets a deadline; the only deadline an email gives is the reply-by date (6 June 2025)',
    ),
    "8 % interest and a late fee": (
        "en-US",
        {},
        lambda body: insert(body, "Otherwise 8 % interest and a late fee will be added."),
        "mentions interest, fees, penalties or late charges, which the app's emails never do",
    ),
    "shifted cents": (
        "en-US",
        {},
        lambda body: replaced(body, "$4,820.00 outstanding", "$4,820.01 outstanding"),
        "amount 4,820.01 is not in the ledger",
    ),
    "a dropped invoice": (
        "en-US",
        {},
        lambda body: "\n".join(line for line in body.split("\n") if "INV-1002" not in line),
        "invoice INV-1002 is not mentioned",
    ),
    "an invented invoice": (
        "en-US",
        {},
        lambda body: replaced(body, "\n- CM-0031", "\n- INV-1003, dated May 1, 2025: $900.00 outstanding\n- CM-0031"),
        "invoice INV-1003 is not one of this account's open invoices",
    ),
    "a wrong total (the coming-due invoice counted)": (
        "en-US",
        {},
        lambda body: replaced(body, "Total due: $10,066.73", "Total due: $11,266.73"),
        "amount 11,266.73 is not in the ledger",
    ),
    "the total overdue given as the total due": (
        "en-US",
        {},
        lambda body: replaced(body, "Total due: $10,066.73", "Total due: $10,516.73"),
        "amount 10,516.73 is stated as a total, but the total due is 10,066.73",
    ),
    "a foreign link": (
        "en-US",
        {},
        lambda body: replaced(body, "https://pay.riverbend.example/inv", "https://pay-riverbend.example.net/inv"),
        'link "https://pay-riverbend.example.net/inv" is not the payment link',
    ),
    "a placeholder": (
        "en-US",
        {},
        lambda body: replaced(body, "Dear Maria,", "Dear {first_name},"),
        'unfilled placeholder "{first_name}"',
    ),
    "previous notices with no previous email": (
        "en-US",
        {"previous_emails": []},
        lambda body: insert(body, "Despite our previous notices, the balance remains unpaid."),
        "refers to earlier notices, but the facts list no earlier email",
    ),
    "a coming-due invoice asked for at degree 3": (
        "en-US",
        {"degree": 3},
        lambda body: insert(body, "- INV-1004, dated May 10, 2025, due June 9, 2025: $1,200.00 outstanding"),
        "invoice INV-1004 is not yet due (due 9 June 2025) and must not appear in a degree-3 email",
    ),
    "a coming-due invoice asked for at degree 2": (
        "en-US",
        {},
        lambda body: replaced(body, "Not yet due: INV-1004", "Also overdue: INV-1004"),
        "invoice INV-1004 is not yet due (due 9 June 2025): it may only be mentioned as upcoming",
    ),
    "a payment received, de-DE": (
        "de-DE",
        {},
        lambda body: insert_de(body, "Wir haben Ihre Zahlung erhalten."),
        "claims a payment was received",
    ),
}
THREATS = {
    "debt recovery partner": ("We will pass the account to our debt recovery partner.", "threatens debt recovery"),
    "credit agencies": ("We will report this to the credit agencies.", "threatens credit reporting"),
    "suspend your account": ("We will suspend your account.", "threatens to suspend service or the account"),
    "late fees": ("Late fees will be added to the balance.", "mentions interest, fees, penalties or late charges"),
}
for _threat, (_sentence, _message) in THREATS.items():
    for _degree in (1, 2, 3, 4):
        KINDS[f"{_threat} at degree {_degree}"] = (
            "en-US",
            {"degree": _degree},
            lambda body, sentence=_sentence: insert(body, sentence),
            _message,
        )


@pytest.mark.parametrize("kind", KINDS)
def test_each_wrong_kind_fails_with_a_readable_reason(kind):
    locale, changes, spoil, message = KINDS[kind]
    ledger = facts(locale, **changes)
    subject, body = render(ledger)
    assert run(ledger, subject, body).passed  # the honest email for the same facts passes
    result = run(ledger, subject, spoil(body))
    assert not result.passed
    assert any(message in failure for failure in result.failures), result.failures


def test_the_threats_are_allowed_where_the_table_allows_them():
    ledger = facts(degree=5)
    subject, body = render(ledger)
    for threat in ("debt recovery partner", "credit agencies", "suspend your account"):
        assert run(ledger, subject, insert(body, THREATS[threat][0])).passed, threat
    assert not run(ledger, subject, insert(body, THREATS["late fees"][0])).passed
