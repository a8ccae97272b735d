"""The offline reading of a reply (no ANTHROPIC_API_KEY): keyword rules, in the order a collector would weigh them.
It answers in the same shape as Claude's structured output and goes through the same validation."""

from __future__ import annotations

import datetime
import re

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]  # fmt: skip
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
RULES = [  # (kind, pattern), first match wins
    ("out_of_office", r"out of (the )?office|automatic reply|auto-?reply|on (annual |parental )?leave|on vacation|"
                      r"away (from the office )?until|abwesend|absent du bureau"),
    ("unsubscribe", r"\bunsubscribe\b|stop (emailing|sending|contacting)|remove (me|us) from"),
    ("wrong_contact", r"no longer (work|with|handle|responsible)|wrong (person|contact|address)|left the company|"
                      r"(please|kindly) (contact|write to|email|send .{0,30} to)|not the right (person|contact)"),
    ("already_paid", r"already (been )?paid|(has|have|was|were) (been )?paid|we paid|payment (was|has been) "
                     r"(sent|made|sent out)|remitted|wired|transferred|remittance"),
    ("dispute", r"\bdisput|incorrect|wrong amount|overcharg|never (received|ordered)|not received|damaged|"
                r"credit note|do not owe|don't owe|not (ours|our invoice)|returned"),
    ("promise_to_pay", r"will (be )?pa(y|id)|we'll pay|i'll pay|going to pay|payment (will|is scheduled|is planned)|"
                       r"schedul\w* (a |the )?payment|pay (it|this|the balance|you) (by|on|next|this)|"
                       r"(by|on) (the )?end of (the )?month"),
]  # fmt: skip


def _next_weekday(start: datetime.date, weekday: int) -> datetime.date:
    days = (weekday - start.weekday()) % 7 or 7
    return start + datetime.timedelta(days=days)


def find_date(text: str, today: datetime.date) -> str:
    lowered = text.lower()
    match = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", lowered)
    if match:
        return match.group(0)
    match = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+(\d{{4}}))?", lowered) or re.search(
        rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", lowered
    )
    if match:
        groups = match.groups()
        if groups[0].isdigit():
            day, month, year = int(groups[0]), groups[1], groups[2]
        else:
            month, day, year = groups[0], int(groups[1]), groups[2]
        number = next(n for n, name in enumerate(_MONTHS, 1) if name.startswith(month.rstrip(".")[:3]))
        try:
            found = datetime.date(int(year) if year else today.year, number, day)
        except ValueError:
            return ""
        if not year and found < today:
            found = found.replace(year=today.year + 1)
        return found.isoformat()
    for number, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", lowered):
            return _next_weekday(today, number).isoformat()
    if re.search(r"end of (the |this )?month", lowered):
        following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return (following - datetime.timedelta(days=1)).isoformat()
    return ""


_AMOUNT = (
    r"(?:[$€£]|\b(?:USD|EUR|GBP|CAD|AUD)\s?)\s?(\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{2})?|\d+(?:[.,]\d{2})?)"
    r"|(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})\b"
)


def find_amount(text: str) -> str:
    match = re.search(_AMOUNT, text)
    return (match.group(1) or match.group(2)) if match else ""


def rules_read(text: str, *, subject: str, invoices: list, received: datetime.datetime | None) -> dict:
    body = f"{subject}\n{text}"
    today = (received or datetime.datetime.now(datetime.UTC)).date()
    kind = next((kind for kind, pattern in RULES if re.search(pattern, body, re.IGNORECASE)), "")
    if not kind:
        kind = "question" if "?" in text else "other"
    named = [invoice.invoice_no for invoice in invoices if re.search(rf"(?<![\w-]){re.escape(invoice.invoice_no)}"
                                                                     r"(?![\w-])", body, re.IGNORECASE)]  # fmt: skip
    emails = [found.rstrip(".-") for found in re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)]
    name = re.search(r"(?:contact|write to|email)\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)", text)
    reference = re.search(r"\b(?:ref(?:erence)?|transaction|confirmation)\b[\s.:#no]*([A-Z0-9][A-Z0-9-]{3,})", text,
                          re.IGNORECASE)  # fmt: skip
    first_sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0] if text.strip() else ""
    return {
        "kind": kind,
        "summary": first_sentence[:300],
        "invoices": named,
        "date": find_date(text, today) if kind in ("promise_to_pay", "already_paid", "out_of_office") else "",
        "amount": find_amount(text) if kind in ("promise_to_pay", "already_paid") else "",
        "reason": first_sentence[:500] if kind in ("dispute", "question") else "",
        "reference": reference.group(1) if reference and kind == "already_paid" else "",
        "contact_name": name.group(1) if name and kind == "wrong_contact" else "",
        "contact_email": emails[0] if emails and kind == "wrong_contact" else "",
        "instructions_in_reply": bool(
            re.search(
                r"ignore (all |any |the )?(previous|prior|above) instructions|"
                r"you are (an? )?(ai|assistant|model)|system prompt",
                text,
                re.I,
            )
        ),
    }
