"""Figures by construction: a writer (Claude or the offline writer) writes the words, this module writes the figures.

A writer returns ``EmailParts`` - a subject, a greeting, paragraphs and a closing - whose prose refers to the facts
by name (``{total_due}``, ``{reply_by}``; ``{invoice_table}`` as a paragraph of its own). ``email_render`` checks
the prose (no digits, currency marks, dates, links or addresses of its own; only placeholders these facts have) and
renders every amount, date, invoice list, link and payment instruction from the ledger, in the organization's
locale, as a plain-text and an HTML part that say the same. The ledger check still reads the final text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from accounts.formatting import format_day, format_money

from .facts import EmailFacts, InvoiceFact
from .money import greeting_name

SUBJECT_MAX = 150
PARAGRAPHS_MAX = 8
PARAGRAPH_MAX = 1200

# The schema of a writer's answer (Claude's structured output uses it as is).
PARTS_SCHEMA = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "description": "One line; may use {account_name} and {total_due}."},
        "greeting": {"type": "string", "description": "E.g. 'Dear {contact_first_name},' or 'Hello,'."},
        "paragraphs": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Plain-text paragraphs; a block placeholder such as {invoice_table} is a paragraph alone.",
        },
        "closing": {"type": "string", "description": "The sign-off words only, e.g. 'Kind regards,'."},
    },
    "required": ["subject", "greeting", "paragraphs", "closing"],
    "additionalProperties": False,
}

# Placeholders a sentence may use, and what each means (the prompt lists these descriptions).
INLINE = {
    "account_name": "the customer's account name",
    "contact_first_name": "the contact's first name (only when the facts have one)",
    "organization_name": "our company's name",
    "total_due": "the amount asked for: the overdue invoices less any credits, with its currency",
    "total_overdue": "the overdue invoices before credits (only when there are credits)",
    "invoice_count": "how many overdue invoices there are",
    "oldest_due_date": "the due date of the oldest overdue invoice",
    "oldest_days_overdue": "how many days the oldest invoice is overdue",
    "as_of": "the date of the aging report the figures come from",
    "reply_by": "the date by which we ask for payment or a reply (the only deadline an email may give)",
    "payment_link": "our online payment link (only when we have one)",
    "last_email_date": "the date of our last email (only when one was sent)",
    "promised_date": "the date of the customer's broken promise to pay (only when there is one)",
    "promised_amount": "the amount of that broken promise",
    "coming_due_total": "the total of invoices not yet due (degrees 1 and 2 only)",
}
BLOCKS = {
    "invoice_table": "the overdue invoices, one per line with dates and amounts (required, a paragraph alone)",
    "credits_table": "credit notes and unapplied payments that reduce the total (only when there are credits)",
    "coming_due_table": "invoices not yet due, listed as upcoming (degrees 1 and 2 only, when there are some)",
    "payment_instructions": "how to pay us: bank details and link (a paragraph alone; added if you leave it out)",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MONTHS = (
    # "May" is left out: "you may" is not a date.
    "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|oct|nov|dec"
)
_PROSE_RULES = (
    (re.compile(r"\d"), "a figure (digit)"),
    (re.compile(r"[$€£¥₹¢]|\b(?:USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|SEK|NOK|DKK|INR|MXN)\b"), "a currency mark"),
    (re.compile(rf"\b(?:{_MONTHS})\b\.?(?=\s|$|[,.;])", re.IGNORECASE), "a date (month name)"),
    (re.compile(r"https?://|www\.|\b[\w.+-]+@[\w-]+\.[\w.]+", re.IGNORECASE), "a link or email address"),
    (re.compile(r"\b(?:hundred|thousand|million|billion|percent|per\s+cent)\b", re.IGNORECASE), "an amount in words"),
    (
        re.compile(
            r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|"
            r"forty|fifty|sixty|ninety)[\s-]+(?:business\s+|working\s+|calendar\s+)?(?:days?|weeks?|hours?|months?)\b",
            re.IGNORECASE,
        ),
        "a period in words",
    ),
    (re.compile(r"[{}\[\]<>]"), "a placeholder or markup the system does not know"),
)


class RenderError(Exception):
    def __init__(self, failures: list[str]):
        super().__init__("; ".join(failures))
        self.failures = failures


@dataclass(frozen=True)
class EmailParts:
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str

    @classmethod
    def from_json(cls, data: object) -> EmailParts:
        if not isinstance(data, dict):
            raise RenderError(["the answer is not a JSON object with subject, greeting, paragraphs and closing"])
        paragraphs = data.get("paragraphs")
        fields = [data.get(key) for key in ("subject", "greeting", "closing")]
        if not all(isinstance(value, str) for value in fields) or not isinstance(paragraphs, list):
            raise RenderError(["subject, greeting and closing must be strings and paragraphs a list of strings"])
        if not all(isinstance(paragraph, str) for paragraph in paragraphs):
            raise RenderError(["every paragraph must be a string"])
        return cls(
            subject=fields[0].strip(),
            greeting=fields[1].strip(),
            paragraphs=tuple(p.strip() for p in paragraphs if p.strip()),
            closing=fields[2].strip(),
        )

    def as_dict(self) -> dict:
        return {"subject": self.subject, "greeting": self.greeting, "paragraphs": list(self.paragraphs),
                "closing": self.closing}  # fmt: skip


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    parts: EmailParts = field(repr=False)


# --- values ------------------------------------------------------------------------------------------------------


def _money(facts: EmailFacts, amount) -> str:
    return format_money(amount, facts.currency, locale=facts.organization.locale)


def _day(facts: EmailFacts, day) -> str:
    return format_day(day, locale=facts.organization.locale)


def inline_values(facts: EmailFacts) -> dict[str, str]:
    """The placeholders these facts can fill, and their text; one that is missing is not available."""
    values = {
        "account_name": facts.account_name,
        "organization_name": facts.organization.name,
        "total_due": _money(facts, facts.total_due),
        "invoice_count": str(len(facts.overdue)),
        "oldest_days_overdue": str(facts.oldest_days_overdue),
        "as_of": _day(facts, facts.as_of),
        "reply_by": _day(facts, facts.reply_by),
    }
    first_name = greeting_name(facts.contact_first_name)  # a "name" that is really an instruction is not written
    if first_name:
        values["contact_first_name"] = first_name
    if facts.credits:
        values["total_overdue"] = _money(facts, facts.total_overdue)
    if facts.oldest_due_date:
        values["oldest_due_date"] = _day(facts, facts.oldest_due_date)
    if facts.organization.payment_link:
        values["payment_link"] = facts.organization.payment_link
    if facts.last_sent:
        values["last_email_date"] = _day(facts, facts.last_sent.date)
    if facts.broken_promise:
        values["promised_date"] = _day(facts, facts.broken_promise.promised_date)
        values["promised_amount"] = _money(facts, facts.broken_promise.amount)
    if facts.coming_due and facts.degree < 3:
        values["coming_due_total"] = _money(facts, facts.total_coming_due)
    return values


def available_blocks(facts: EmailFacts) -> set[str]:
    blocks = {"invoice_table"}
    if facts.credits:
        blocks.add("credits_table")
    if facts.coming_due and facts.degree < 3:
        blocks.add("coming_due_table")
    if facts.organization.payment_instructions.strip() or facts.organization.payment_link:
        blocks.add("payment_instructions")
    return blocks


def invoice_line(facts: EmailFacts, line: InvoiceFact, *, upcoming: bool = False) -> str:
    """One invoice on one line: its number, dates and amount together, so a check can match them to each other."""
    details = []
    if line.invoice_date:
        details.append(f"dated {_day(facts, line.invoice_date)}")
    if line.outstanding < 0:
        return f"- {line.invoice_no}, " + ", ".join(details) + f": credit of {_money(facts, -line.outstanding)}"
    if upcoming:  # said on its own line, so that no reader (or check) takes it for something asked for
        details.append(f"not yet due (due {_day(facts, line.due_date)})" if line.due_date else "not yet due")
    elif line.due_date:
        details.append(f"due {_day(facts, line.due_date)}")
    text = f"- {line.invoice_no}, " + ", ".join(details) + f": {_money(facts, line.outstanding)} outstanding"
    if line.days_overdue > 0 and not upcoming:
        text += f" ({line.days_overdue} {'day' if line.days_overdue == 1 else 'days'} overdue)"
    return text


def _block_text(facts: EmailFacts, name: str) -> str:
    if name == "invoice_table":
        lines = [f"Overdue as of {_day(facts, facts.as_of)}:"]
        lines += [invoice_line(facts, line) for line in facts.overdue]
        if facts.credits:
            lines.append(f"Overdue invoices: {_money(facts, facts.total_overdue)}")
            lines.append("Credits on your account:")
            lines += [invoice_line(facts, line) for line in facts.credits]
        lines.append(f"Total due: {_money(facts, facts.total_due)}")
        return "\n".join(lines)
    if name == "credits_table":
        return "\n".join(["Credits on your account:", *(invoice_line(facts, line) for line in facts.credits)])
    if name == "coming_due_table":
        lines = ["Coming due (not yet payable):"]
        return "\n".join(lines + [invoice_line(facts, line, upcoming=True) for line in facts.coming_due])
    if name == "payment_instructions":
        lines = [line.rstrip() for line in facts.organization.payment_instructions.strip().splitlines()]
        if facts.organization.payment_link:
            lines.append(f"Pay online: {facts.organization.payment_link}")
        return "\n".join(lines)
    raise KeyError(name)


# --- the prose check ---------------------------------------------------------------------------------------------


def _names(facts: EmailFacts) -> list[str]:
    names = [facts.account_name, facts.organization.name, facts.organization.sender_name, facts.contact_first_name,
             facts.contact_last_name]  # fmt: skip
    return sorted({name for name in names if name.strip()}, key=len, reverse=True)


def prose_failures(parts: EmailParts, facts: EmailFacts) -> list[str]:
    """What in the writer's own words is not allowed: figures, dates, links and unknown placeholders."""
    failures: list[str] = []
    inline, blocks = inline_values(facts), available_blocks(facts)
    pieces = [("subject", parts.subject), ("greeting", parts.greeting), ("closing", parts.closing)]
    pieces += [(f"paragraph {n}", text) for n, text in enumerate(parts.paragraphs, 1)]
    used: set[str] = set()
    for where, text in pieces:
        stripped = text.strip()
        block = _PLACEHOLDER.fullmatch(stripped)
        if block and block.group(1) in BLOCKS and where.startswith("paragraph"):
            if block.group(1) not in blocks:
                failures.append(f"the {where} uses {{{block.group(1)}}}, which these facts do not have")
            used.add(block.group(1))
            continue
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1)
            used.add(name)
            if name in BLOCKS:
                failures.append(f"the {where} puts {{{name}}} inside a sentence; it must be a paragraph of its own")
            elif name not in inline:
                known = "is not a fact we have" if name not in INLINE else "is not available for this account"
                failures.append(f"the {where} uses {{{name}}}, which {known}")
        prose = _PLACEHOLDER.sub(" ", text)
        for name in _names(facts):
            prose = re.sub(re.escape(name), " ", prose, flags=re.IGNORECASE)
        for pattern, what in _PROSE_RULES:
            found = pattern.search(prose)
            if found:
                failures.append(f'the {where} writes {what} of its own ("{found.group(0)}"); figures, dates and '
                                "links come from the facts by placeholder")  # fmt: skip
    if "invoice_table" not in used:
        failures.append("the email does not include the {invoice_table} paragraph")
    if "total_due" not in used:
        failures.append("the email never states {total_due}")
    if not parts.subject:
        failures.append("the subject is empty")
    if len(parts.paragraphs) > PARAGRAPHS_MAX:
        failures.append(f"the email has {len(parts.paragraphs)} paragraphs; at most {PARAGRAPHS_MAX}")
    if any(len(paragraph) > PARAGRAPH_MAX for paragraph in parts.paragraphs):
        failures.append(f"a paragraph is longer than {PARAGRAPH_MAX} characters")
    return list(dict.fromkeys(failures))


# --- rendering ---------------------------------------------------------------------------------------------------


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def _signature(facts: EmailFacts) -> list[str]:
    lines = [line.rstrip() for line in facts.organization.signature.strip().splitlines()]
    return lines or [facts.organization.sender_name or facts.organization.name]


def email_render(*, parts: EmailParts, facts: EmailFacts) -> RenderedEmail:
    """The final email; RenderError (with sentences to feed back to the writer) when the parts break a rule."""
    failures = prose_failures(parts, facts)
    if failures:
        raise RenderError(failures)
    values = inline_values(facts)
    paragraphs = list(parts.paragraphs)
    if "payment_instructions" in available_blocks(facts) and "{payment_instructions}" not in paragraphs:
        table = paragraphs.index("{invoice_table}")
        paragraphs.insert(table + 1, "{payment_instructions}")
    if facts.today > facts.as_of:
        paragraphs.append(f"If you have paid since {_day(facts, facts.as_of)}, thank you, and please disregard "
                          "this email.")  # fmt: skip

    blocks: list[dict] = []
    for paragraph in paragraphs:
        block = _PLACEHOLDER.fullmatch(paragraph)
        if block and block.group(1) in BLOCKS:
            blocks.append({"kind": block.group(1), "text": _block_text(facts, block.group(1))})
        else:
            blocks.append({"kind": "prose", "text": _fill(paragraph, values)})
    subject = " ".join(_fill(parts.subject, values).split())[:SUBJECT_MAX]
    greeting = _fill(parts.greeting, values)
    closing = _fill(parts.closing, values)
    signature = _signature(facts)
    text = "\n\n".join([greeting, *(block["text"] for block in blocks), "\n".join([closing, *signature])]) + "\n"
    html = render_to_string(
        "emails/collection_email.html",
        {
            "subject": subject, "greeting": greeting, "blocks": blocks, "closing": closing, "signature": signature,
            "organization_name": facts.organization.name, "payment_link": facts.organization.payment_link,
            "overdue": [_row(facts, line) for line in facts.overdue],
            "credits": [_row(facts, line) for line in facts.credits],
            "coming_due": [_row(facts, line) for line in facts.coming_due],
            "total_due": values["total_due"], "total_overdue": values.get("total_overdue", ""),
            "as_of": values["as_of"], "payment_instructions": facts.organization.payment_instructions.strip(),
            "lang": facts.organization.locale.split("-")[0],
        },
    )  # fmt: skip
    return RenderedEmail(subject=subject, text=text, html=html, parts=parts)


def _row(facts: EmailFacts, line: InvoiceFact) -> dict:
    return {
        "invoice_no": line.invoice_no,
        "invoice_date": _day(facts, line.invoice_date) if line.invoice_date else "",
        "due_date": _day(facts, line.due_date) if line.due_date else "",
        "outstanding": _money(facts, abs(line.outstanding)),
        "days_overdue": line.days_overdue,
    }
