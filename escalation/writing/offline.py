"""The offline writer: a deterministic collection email from the template and the ledger facts, without a model.

``offline_write(template=..., facts=...)`` returns ``(subject, body)`` in plain text. The only untrusted text it
writes is the contact's first name, and only in the greeting (through ``money.greeting_name``). Money is written
one way (``4,820.00 USD``), dates as ``12 March 2025``. The result is run through ``ledger_check`` before it is
returned: should the template's subject not pass (a currency symbol of another currency, a stray placeholder, an
account name too long for the subject line), a plain subject is used instead, and should the body be too long (a
great many invoices) the invoices are listed one short line each. Only an account whose invoices cannot be listed
within 5,000 characters at all gets an email that fails the check — and the check then stops it.
"""

from __future__ import annotations

import re

from escalation.writing.ledger_check import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, ledger_check
from escalation.writing.money import (
    clean_inline,
    format_amount,
    format_date,
    format_money,
    greeting_name,
    parse_iso_date,
    to_decimal,
)

ACCOUNT_NAME_MAX_LENGTH = 80

# The first paragraph, by degree (1 friendly reminder, 2 firm, 3 urgent, 4 final notice, 5 pre-collection).
OPENINGS = {
    1: "This is a friendly reminder that some invoices on your account are now past their due date.",
    2: "Our records show that the invoices below remain unpaid past their due dates. "
    "We would appreciate your prompt attention to this balance.",
    3: "The invoices below are still unpaid, and this balance now needs your urgent attention.",
    4: "This is a final notice about the overdue balance on your account. If it is not paid, we may take "
    "further action.",
    5: "Your account is about to be referred for collection. Despite our previous notices, the balance below "
    "remains unpaid, and unless it is paid in full we will refer the account to a collection agency and may "
    "take legal action to recover the amount owed.",
}
# The same openings for an account that was never written to before ("final" and "previous notices" need an
# earlier email: escalation/writing/checks/claims_rules.py).
FIRST_OPENINGS = {
    4: "The balance on your account is seriously overdue. If it is not paid, we may take further action.",
    5: "Your account is about to be referred for collection. The balance below remains unpaid, and unless it is "
    "paid in full we will refer the account to a collection agency and may take legal action to recover the "
    "amount owed.",
}
DEFAULT_SUBJECTS = {
    1: "Payment reminder",
    2: "Overdue balance",
    3: "Urgent: overdue balance",
    4: "Final notice: overdue balance",
    5: "Pre-collection notice: overdue balance",
}
# The paragraph before the sign-off, by the template's tone (falling back on the degree's usual tone).
CLOSINGS = {
    "friendly": "If you have already sent payment, thank you, and please disregard this reminder. If anything "
    "above looks wrong to you, just reply and we will look into it.",
    "firm": "If you have already arranged payment, please let us know so we can update our records. If you "
    "believe any item above is incorrect, reply to this email and we will look into it.",
    "urgent": "If there is a reason this balance cannot be paid, please contact us straight away so that we can "
    "discuss it.",
}
DEGREE_TONES = {1: "friendly", 2: "firm", 3: "urgent", 4: "urgent", 5: "urgent"}
TONE_ALIASES = {
    "warm": "friendly",
    "polite": "friendly",
    "gentle": "friendly",
    "friendly": "friendly",
    "firm": "firm",
    "formal": "firm",
    "neutral": "firm",
    "professional": "firm",
    "urgent": "urgent",
    "final": "urgent",
    "strict": "urgent",
    "severe": "urgent",
    "stern": "urgent",
}

_SUBJECT_PLACEHOLDER = re.compile(r"\{\{?\s*([^{}]*?)\s*\}\}?")
_MARKERS = "\ue000\ue001\ue002\ue003"


def offline_write(*, template: dict, facts: dict) -> tuple[str, str]:
    """``(subject, body)`` of the collection email for ``facts`` at their degree, in the template's tone."""
    template = template if isinstance(template, dict) else {}
    facts = facts if isinstance(facts, dict) else {}
    subjects = [_template_subject(template, facts), _default_subject(facts)]
    bodies = [_body(template, facts, compact=False), _body(template, facts, compact=True)]
    if len(bodies[0].strip()) > BODY_MAX_LENGTH:
        bodies.pop(0)
    for body in bodies:
        for subject in subjects:
            if subject and ledger_check(subject=subject, body=body, facts=facts).passed:
                return subject, body
    return subjects[-1], bodies[-1]


# --- subject -------------------------------------------------------------------------------------------------


def _degree(facts: dict) -> int:
    try:
        degree = int(facts.get("degree") or 1)
    except (TypeError, ValueError):
        degree = 1
    return min(max(degree, 1), 5)


def _currency(facts: dict) -> str:
    return clean_inline(facts.get("currency"), max_length=3, drop="{}[]<>").upper()


def _account_name(facts: dict) -> str:
    account = facts.get("account") if isinstance(facts.get("account"), dict) else {}
    return clean_inline(account.get("name"), max_length=ACCOUNT_NAME_MAX_LENGTH, drop="{}[]<>")


def _template_subject(template: dict, facts: dict) -> str:
    oldest = facts.get("oldest_days_overdue")
    values = {
        "account_name": _account_name(facts),
        "total_due": format_amount(facts.get("total_due")),
        "currency": _currency(facts),
        "oldest_days_overdue": str(oldest).strip() if re.fullmatch(r"\s*\d+\s*", str(oldest)) else "",
    }
    # Known placeholders become markers (private-use characters) while the template's own text is tidied, so that
    # the tidying never touches a value (the minus of a net credit, a dash in an account name).
    text = clean_inline(template.get("subject"), max_length=10 * SUBJECT_MAX_LENGTH)  # drops private-use characters
    names = list(values)
    if any(not values[match.group(1)] for match in _SUBJECT_PLACEHOLDER.finditer(text) if match.group(1) in values):
        return ""  # a figure the subject needs is not in the facts: the default subject instead of "( days)"
    text = _SUBJECT_PLACEHOLDER.sub(
        lambda match: _MARKERS[names.index(match.group(1))] if match.group(1) in values else "", text
    )
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)  # what an unknown placeholder leaves: "()", "[]"
    text = re.sub(r"\s+([,.;:!?)])", r"\1", " ".join(text.split()))
    text = re.sub(r"([:;,\-–—|])(?:\s*[:;,\-–—|])+", r"\1", text)  # "Reminder: - Acme" → "Reminder: Acme"
    text = text.strip(" ,;:-–—|")
    for marker, name in zip(_MARKERS, names, strict=True):
        text = text.replace(marker, values[name])
    return clean_inline(" ".join(text.split()), max_length=SUBJECT_MAX_LENGTH)


def _default_subject(facts: dict) -> str:
    total = format_money(facts.get("total_due"), _currency(facts))
    heading = DEFAULT_SUBJECTS[_degree(facts)]
    if not facts.get("previous_emails"):
        heading = heading.replace("Final notice", "Urgent")  # "final" only after an earlier email
    return f"{heading}: {total}" if to_decimal(facts.get("total_due")) is not None else heading


# --- body ----------------------------------------------------------------------------------------------------


def _block(value: object) -> list[str]:
    """Trusted multi-line text (signature, payment instructions) as clean lines, blank edges dropped."""
    lines = [clean_inline(line, max_length=500) for line in str(value or "").splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _invoice_line(invoice: dict, currency: str, *, compact: bool) -> str:
    number = clean_inline(invoice.get("invoice_no"), max_length=100)
    outstanding = to_decimal(invoice.get("outstanding"))
    amount = to_decimal(invoice.get("amount"))
    if outstanding is None:
        outstanding = amount
    is_credit = outstanding is not None and outstanding < 0
    if outstanding is None:
        figure = ""
    elif is_credit:
        figure = f"credit of {format_money(abs(outstanding), currency)}"
    elif compact:
        figure = format_money(outstanding, currency)
    else:
        figure = f"{format_money(outstanding, currency)} outstanding"
        if amount is not None and amount > 0 and amount != outstanding:
            figure += f" of {format_money(amount, currency)}"
    if compact:
        return f"- {number}: {figure}" if figure else f"- {number}"

    details = []
    invoice_date = parse_iso_date(invoice.get("invoice_date"))
    due_date = parse_iso_date(invoice.get("due_date"))
    if is_credit:
        details.append(f"credit note dated {format_date(invoice_date)}" if invoice_date else "credit note")
    elif invoice_date:
        details.append(f"dated {format_date(invoice_date)}")
    if due_date and not is_credit:
        details.append(f"due {format_date(due_date)}")
    line = ", ".join([f"- {number}", *details])
    if figure:
        line += f": {figure}"
    days = invoice.get("days_overdue")
    if not is_credit and isinstance(days, int) and not isinstance(days, bool) and days > 0:
        line += f" ({days} {'day' if days == 1 else 'days'} overdue)"
    return line


def _tone(template: dict, degree: int) -> str:
    tone = clean_inline(template.get("tone"), max_length=40).lower()
    return TONE_ALIASES.get(tone, DEGREE_TONES[degree])


def _body(template: dict, facts: dict, *, compact: bool) -> str:
    degree = _degree(facts)
    currency = _currency(facts)
    organization = facts.get("organization") if isinstance(facts.get("organization"), dict) else {}
    contact = facts.get("contact") if isinstance(facts.get("contact"), dict) else {}
    invoices = [invoice for invoice in facts.get("invoices") or [] if isinstance(invoice, dict)]
    account_name = _account_name(facts)
    as_of = parse_iso_date(facts.get("as_of"))
    reply_by = parse_iso_date(facts.get("reply_by"))

    name = greeting_name(contact.get("first_name"))
    paragraphs = [f"Dear {name}," if name else "Hello,"]

    previous = sorted(
        day
        for email in facts.get("previous_emails") or []
        if isinstance(email, dict) and (day := parse_iso_date(email.get("date"))) is not None
    )
    opening = OPENINGS[degree] if previous else FIRST_OPENINGS.get(degree, OPENINGS[degree])
    if previous and degree >= 2 and not compact:
        opening += f" We last wrote to you about it on {format_date(previous[-1])}."
    paragraphs.append(opening)

    where = f"on the {account_name} account" if account_name else "on your account"
    intro = f"As of {format_date(as_of)}, these items are open {where}:" if as_of else f"These items are open {where}:"
    lines = [_invoice_line(invoice, currency, compact=compact) for invoice in invoices]
    paragraphs.append("\n".join([intro, *lines]))

    total = to_decimal(facts.get("total_due"))
    if total is not None and total < 0:
        paragraphs.append(f"Balance: a credit of {format_money(abs(total), currency)} in your favour.")
    elif total is not None:
        paragraphs.append(f"Total due: {format_money(total, currency)}")

    if total is not None and total <= 0:
        ask = "Please reply so that we can settle the balance of your account with you."
    elif reply_by and degree >= 2:
        ask = f"Please arrange payment of the total due by {format_date(reply_by)}."
    elif degree >= 2:
        ask = "Please arrange payment of the total due without delay."
    else:
        ask = "We would be grateful if you could arrange payment at your earliest convenience."
    payment = [ask, *_block(organization.get("payment_instructions"))]
    link = clean_inline(organization.get("payment_link"), max_length=500)
    if link:
        payment.append(f"Pay online: {link}")
    paragraphs.append("\n".join(payment))

    paragraphs.append(CLOSINGS[_tone(template, degree)])

    sign_off = clean_inline(template.get("sign_off"), max_length=60, drop="{}[]<>").rstrip(",") or "Kind regards"
    signature = _block(organization.get("signature"))
    if not signature:
        signature = [
            clean_inline(organization.get(key), max_length=200)
            for key in ("sender_name", "name")
            if clean_inline(organization.get(key), max_length=200)
        ][:1]
    paragraphs.append("\n".join([f"{sign_off},", *signature]))
    return "\n\n".join(paragraphs) + "\n"
