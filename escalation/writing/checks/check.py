"""The ledger check: every figure in a collection email must be exactly the ledger's.

``ledger_check(subject=..., body=..., facts=...)`` reads the subject and the body together and returns a
``LedgerCheck``: ``passed``, ``failures`` (sentences a collector can read) and ``found`` (what was extracted, JSON
serialisable, kept for provenance). It never raises on odd text; it is what stands between a model that may invent
or garble a number and the customer.

How the text is read (in this order; each step blanks out what it has recognised, keeping every position, so that
the later steps do not read it again):

1. Links and email addresses are extracted from the raw text. A URL (``http://``, ``https://``, ``www.``) must be
   the payment link (a trailing slash or period ignored) or appear in the organization's own text (payment
   instructions, signature); an email address must appear somewhere in the facts (the contact's name fields do
   not count: they are untrusted).
2. Trusted text is blanked: the organization's name, sender name, signature, payment instructions and link (whole
   and line by line), the account name and client ID, and the contact's name but only inside the greeting line.
   Digits in a phone number, an address or a bank account there are never taken for figures.
3. Invoice numbers: each of the ledger's must appear with word boundaries. Tokens of the same shape (same letter
   prefix as a ledger number, e.g. ``INV-`` + digits) and tokens right after the word "invoice" / "credit note"
   (which catches purely numeric numbers such as ``3107``; read after steps 5 and 6, and at least three
   characters long) that are not the ledger's are failures.
4. Placeholders: ``{...}``, ``{{...}}``, ``[...]`` with letters or digits in it, ``<WORD ...>``, ``XXX``, ``TBD``,
   ``TBC``, ``___``.
5. Dates: ISO ``2025-03-12`` (also ``2025/03/12``), ``12 March 2025``, ``March 12, 2025``, numeric ``12/03/2025``
   (``/``, ``.`` or ``-``; read both day-first and month-first, either reading may match) and ``12 March`` /
   ``March 12`` without a year (compared by month and day). Each must be one of the ledger's dates.
6. Day counts: "N days overdue / past due / late / outstanding / in arrears / past the due date" and "overdue by /
   outstanding for N days" must be an invoice's days overdue or the oldest; "more than / over / at least /
   in excess of N days" is accepted when the oldest invoice is that old. Other "N days" are not figures.
7. Currency: every ISO code of ``COMMON_CURRENCY_CODES`` (plus the account's), every symbol (``$ € £ ¥ ₹``,
   ``US$ C$ A$ NZ$ S$ HK$ R$``) and the words dollars / euros / sterling must denote the account's currency.
8. Amounts. What is left that looks like a number is money when it has **exactly two decimals**
   (``4820.00``, ``4,820.00``, ``4.820,00``, ``4 820,00``, ``4820,00``), **thousands separators** (``4,820``) or
   a **currency marker** next to it (``$4820``, ``4820 USD``, ``USD4820``). A plain integer with no marker (a
   year, a phone fragment, an account number, "3 invoices") is not money, nor is a number followed by ``%`` or
   ``am``/``pm``; amounts in words ("four thousand") are not read at all. Each amount
   must be an invoice's amount or outstanding, or the total due — by value, no other sums. A positive figure may
   match a credit (a "credit of 450.00"), and so may a parenthesised one ``(450.00)``; an explicit minus sign
   must match a negative ledger figure.
9. The total due must appear among the amounts.
10. Length: subject 1–150 characters on one line, body 80–5,000 characters.
11. Claims (claims.py, by the degree's table in claims_rules.py, shared with the prompt): no payment received
    unless the facts list one, no bank details but the organization's own, no deadline but the reply-by date, no
    interest or fees, no threat the degree does not allow, no other customer's name, no earlier notices unless the
    facts list earlier emails. Read before dates and day counts are blanked ("within 2 days" is a claim).

Figures on an invoice's line (or table row) belong to that invoice (lines.py): its amount or outstanding, its
invoice or due date, its days overdue. Amounts in words fail (words.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from escalation.writing.money import format_amount

from .amounts import check_amounts
from .claims import CustomerNames, check_claims, customer_names
from .currencies import check_currencies
from .dates import check_dates
from .day_counts import check_day_counts
from .facts_view import Ledger
from .invoices import check_invoice_keywords, check_invoice_numbers
from .length import check_length
from .lines import Owners
from .links import check_links, mask_links
from .masking import MASK, mask_trusted
from .placeholders import check_placeholders
from .words import check_amounts_in_words

_FAILURE_ORDER = (
    "length",
    "placeholders",
    "amounts",
    "total",
    "currency",
    "invoices",
    "dates",
    "days",
    "links",
    "claims",
)


@dataclass(frozen=True)
class LedgerCheck:
    passed: bool
    failures: tuple[str, ...]
    found: dict = field(default_factory=dict)


def ledger_check(
    *,
    subject: str,
    body: str,
    facts: object,
    other_customer_names: Collection[str] | CustomerNames = (),
    template_data: Mapping | None = None,
) -> LedgerCheck:
    """Check a collection email (subject and body together) against the ledger facts it was written from: its
    figures (the ledger check) and what it claims (the claims check, by the degree's table; ``template_data``'s
    "forbid" tightens it). ``other_customer_names``: the organization's other account names, a plain collection
    or a ``CustomerNames`` index built once for a run."""
    subject = subject if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    ledger = Ledger.from_facts(facts)
    failures: dict[str, list[str]] = {key: [] for key in _FAILURE_ORDER}
    found: dict = {}

    check_length(subject, body, failures)
    text = f"{subject}\n{body}".replace(MASK, " ")
    found["links"], found["emails"] = check_links(text, ledger, failures)
    masked = mask_trusted(text, len(subject) + 1, ledger)
    masked = mask_links(masked)
    invoices: dict[str, list[str]] = {"mentioned": [], "missing": [], "unknown": []}
    masked, mentions = check_invoice_numbers(text, masked, ledger, failures, invoices)
    claims_text = masked  # before dates and day counts are blanked: "within 2 days" is a claim, not a figure
    owners = Owners(masked, mentions)
    found["placeholders"], masked = check_placeholders(text, masked, failures)
    found["dates"], masked = check_dates(text, masked, ledger, failures, owners)
    found["day_counts"], masked = check_day_counts(text, masked, ledger, failures, owners)
    masked = check_invoice_keywords(masked, ledger, failures, invoices)
    found["invoice_numbers"] = invoices
    found["currencies"] = check_currencies(text, masked, ledger, failures)
    found["amounts"], found["ignored_numbers"] = check_amounts(masked, ledger, failures, owners)
    found["amounts_in_words"] = check_amounts_in_words(masked, failures)
    if ledger.total_due is not None and not any(
        abs(Decimal(item["value"])) == abs(ledger.total_due) for item in found["amounts"]
    ):
        failures["total"].append(f"the total due ({format_amount(ledger.total_due)}) is not stated as an amount")
    others = customer_names(other_customer_names, exclude=ledger.own_names) if other_customer_names else None
    found["claims"] = check_claims(claims_text, ledger, failures, other_customers=others, template_data=template_data)

    ordered = tuple(dict.fromkeys(message for key in _FAILURE_ORDER for message in failures[key]))
    return LedgerCheck(passed=not ordered, failures=ordered, found=found)
