"""The offline writer: a deterministic collection email from the template and the facts, without a model.

It writes the same ``EmailParts`` Claude writes - words with placeholders - and ``render.email_render`` turns them
into the email, so both writers produce the same invoice table, money and dates in the organization's locale. What
the words claim follows the facts: "we last wrote on ..." only after an email was sent, "final" only at degree 4 and
above after earlier emails, a broken promise only when the facts record one.
"""

from __future__ import annotations

import dataclasses
import re

from .facts import EmailFacts
from .money import greeting_name
from .render import INLINE, EmailParts, RenderedEmail, RenderError, email_render, prose_failures

# The first paragraph, by degree (1 friendly reminder, 2 firm, 3 urgent, 4 final notice, 5 pre-collection).
OPENINGS = {
    1: "This is a friendly reminder that some invoices on your account are now past their due date.",
    2: "Our records show that the invoices below remain unpaid past their due dates. We would appreciate your "
    "prompt attention to this balance.",
    3: "The invoices below are still unpaid, and this balance now needs your urgent attention.",
    4: "This is a notice about the overdue balance on your account. If it is not settled, we may need to take "
    "further action.",
    5: "Your account is about to be referred to a collection agency. Unless the balance below is paid in full, we "
    "will refer the account and may take legal action to recover the amount owed.",
}
# Said only when the facts list an email that was actually sent.
FOLLOW_UPS = {
    2: "We last wrote to you about it on {last_email_date}.",
    3: "We last wrote to you about it on {last_email_date}.",
    4: "This is our final notice: we last wrote to you about it on {last_email_date}.",
    5: "Despite our previous notices, most recently on {last_email_date}, the balance remains unpaid.",
}
BROKEN_PROMISE = "On your promise, we expected a payment of {promised_amount} by {promised_date}; we have not yet "
BROKEN_PROMISE += "received it."
DEFAULT_SUBJECTS = {
    1: "Payment reminder: {total_due}",
    2: "Overdue balance: {total_due}",
    3: "Urgent: overdue balance of {total_due}",
    4: "Notice: overdue balance of {total_due}",
    5: "Pre-collection notice: overdue balance of {total_due}",
}
ASKS = {
    1: "We would be grateful if you could arrange payment of {total_due} by {reply_by}.",
    2: "Please arrange payment of {total_due} by {reply_by}.",
    3: "Please arrange payment of {total_due} by {reply_by}.",
    4: "Please arrange payment of {total_due} by {reply_by}.",
    5: "Please pay {total_due} by {reply_by} to avoid the referral.",
}
CLOSINGS = {
    "friendly": "If you have already sent payment, thank you. If anything above looks wrong to you, just reply and "
    "we will look into it.",
    "firm": "If you have already arranged payment, please let us know so we can update our records. If you believe "
    "any item above is incorrect, reply to this email and we will look into it.",
    "urgent": "If there is a reason this balance cannot be paid, please contact us straight away so that we can "
    "discuss it.",
}
DEGREE_TONES = {1: "friendly", 2: "firm", 3: "urgent", 4: "urgent", 5: "urgent"}
TONE_ALIASES = {
    "warm": "friendly", "polite": "friendly", "gentle": "friendly", "friendly": "friendly",
    "firm": "firm", "formal": "firm", "neutral": "firm", "professional": "firm",
    "urgent": "urgent", "final": "urgent", "strict": "urgent", "severe": "urgent", "stern": "urgent",
}  # fmt: skip
# A template's subject may name facts as {{ total_due }} or {total_due}; anything else in braces is dropped.
_TEMPLATE_PLACEHOLDER = re.compile(r"\{\{?\s*([A-Za-z_]+)\s*\}\}?")


def _tone(template: dict, degree: int) -> str:
    tone = str(template.get("tone") or "").strip().lower()
    return TONE_ALIASES.get(tone, DEGREE_TONES[degree])


def _template_subject(template: dict) -> str:
    subject = " ".join(str(template.get("subject") or "").split())
    return _TEMPLATE_PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}" if m.group(1) in INLINE else "", subject)


def offline_parts(*, template: dict, facts: EmailFacts) -> EmailParts:
    degree = min(max(facts.degree, 1), 5)
    greeting = "Dear {contact_first_name}," if greeting_name(facts.contact_first_name) else "Hello,"
    opening = OPENINGS[degree]
    if facts.last_sent and degree in FOLLOW_UPS:
        opening += " " + FOLLOW_UPS[degree]
    paragraphs = [opening]
    if facts.broken_promise:
        paragraphs.append(BROKEN_PROMISE)
    paragraphs += ["{invoice_table}", ASKS[degree]]
    if facts.organization.payment_instructions.strip() or facts.organization.payment_link:
        paragraphs.append("{payment_instructions}")
    if facts.coming_due and degree < 3:
        paragraphs.append("{coming_due_table}")
    paragraphs.append(CLOSINGS[_tone(template, degree)])
    sign_off = " ".join(str(template.get("sign_off") or "").split()).rstrip(",")[:60] or "Kind regards"
    parts = EmailParts(subject=_template_subject(template), greeting=greeting, paragraphs=tuple(paragraphs),
                       closing=f"{sign_off},")  # fmt: skip
    # A template subject (or sign-off) with a figure of its own, a currency mark or an unknown placeholder would be
    # refused by the renderer: the degree's plain subject and sign-off instead.
    if not parts.subject or prose_failures(parts, facts):
        parts = EmailParts(subject=DEFAULT_SUBJECTS[degree], greeting=greeting, paragraphs=parts.paragraphs,
                           closing=parts.closing)  # fmt: skip
    if prose_failures(parts, facts):
        parts = EmailParts(subject=parts.subject, greeting=parts.greeting, paragraphs=parts.paragraphs,
                           closing="Kind regards,")  # fmt: skip
    return parts


def offline_write(*, template: dict, facts: EmailFacts) -> RenderedEmail:
    """The collection email for ``facts`` at their degree, in the template's tone (never raises on odd templates).

    The template's subject is used when the whole email then passes the check; otherwise (a subject saying
    "final notice" before any email was sent, a figure of its own) the degree's plain subject is.
    """
    from .checks import ledger_check  # the checks read what the writers write: imported late, not at load

    template = template if isinstance(template, dict) else {}
    parts = offline_parts(template=template, facts=facts)
    candidates = [parts, dataclasses.replace(parts, subject=DEFAULT_SUBJECTS[min(max(facts.degree, 1), 5)])]
    email = None
    for candidate in candidates:
        try:
            email = email_render(parts=candidate, facts=facts)
        except RenderError:  # only a greeting name the renderer will not write: greet generically
            email = email_render(parts=dataclasses.replace(candidate, greeting="Hello,"), facts=facts)
        if ledger_check(subject=email.subject, body=email.text, facts=facts.as_dict(), template_data=template).passed:
            return email
    return email
