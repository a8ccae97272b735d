"""What a collection email may claim or threaten, by degree: ONE table, read by the prompt (``claims_prompt_lines``
tells the model what it may not say) and by the claims check (which refuses it), so the two cannot disagree.

Degrees: 1 friendly reminder, 2 firm, 3 urgent, 4 final notice, 5 pre-collection. ``allowed_from`` is the lowest
degree that may say it (``None``: never). ``needs`` names a fact without which it may not be said even at that
degree ("previous_emails": an earlier email was sent; "credits": the facts list a credit; "payment": the facts
list a payment). A template can tighten the table (``template_data["forbid"] = ["suspension", ...]``) but never
loosen it. Patterns are matched case-insensitively on word boundaries over the email text with the organization's
own text (payment instructions, link, signature) blanked out; ``(?-i:...)`` makes a part case-sensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    key: str
    what: str  # completes "... which ..." in a failure sentence and "Do not ..." in the prompt
    prompt: str
    allowed_from: int | None
    patterns: tuple[str, ...]
    needs: str | None = None
    prompt_when_allowed: str | None = None  # the prompt at a degree that allows it, when ``needs`` a fact


_NUMBER_WORDS = r"(?:\d+|a|an|one|two|three|four|five|six|seven|ten|fourteen|twenty-four|forty-eight|seventy-two)"
_WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

CLAIMS: tuple[Claim, ...] = (
    Claim(
        key="payment_received",
        what="claims a payment was received, applied or credited, which the facts do not show",
        prompt="Do not say that a payment was received, applied or credited unless the facts list that payment.",
        allowed_from=1,
        needs="payment",
        patterns=(
            r"(?:we|I)(?:\s+have|'ve)?\s+(?:now\s+|already\s+)?(?:received|applied|credited|processed|recorded|"
            r"allocated|booked)\s+(?:your|the|a|part\s+of\s+your)\s+(?:recent\s+|last\s+|partial\s+)?"
            r"(?:payment|remittance|transfer|funds|cheque|check)",
            r"(?:your|the)\s+(?:recent\s+|last\s+|partial\s+)?(?:payment|remittance|transfer)\s+(?:of\s+[^\n]{0,30}?)?"
            r"(?:has|have|was|were)\s+(?:been\s+)?(?:received|applied|credited|processed|recorded|allocated)",
            r"thank\s+you\s+for\s+your\s+(?:recent\s+|last\s+|partial\s+|kind\s+)?(?:payment|remittance)",
            r"payment\s+(?:has\s+been\s+|was\s+)?received",
            r"(?:we|I)\s+(?:have\s+)?credited\s+your\s+account",
            r"ihre\s+zahlung\s+(?:ist\s+|wurde\s+)?(?:bei\s+uns\s+)?(?:erhalten|eingegangen|verbucht)",
            r"wir\s+haben\s+ihre\s+zahlung",
            r"(?:vielen\s+)?dank\s+für\s+ihre\s+zahlung",
        ),
    ),
    Claim(
        key="credit_applied",
        what="says a credit was applied to the account, but the facts list no credit",
        prompt="Name a credit only as the credit note the facts list; never say one was applied if none is listed.",
        allowed_from=1,
        needs="credits",
        patterns=(r"(?:applied|credited|offset)\s+(?:to|against)\s+your\s+(?:account|balance|invoices?)",),
    ),
    Claim(
        key="bank_details",
        what="gives bank or payment details; only the organization's own payment instructions and link may",
        prompt="Give no bank or payment details (IBAN, account, routing or sort code, SWIFT/BIC) and never say the "
        "bank details changed: the system adds the organization's own payment instructions and link.",
        allowed_from=None,
        patterns=(
            r"iban",
            r"(?-i:SWIFT|BIC)",
            r"sort\s+code",
            r"routing\s+(?:number|no\.?|code)|(?-i:ABA)",
            r"account\s+(?:number|no\.?|#)\s*:?\s*\d",
            r"(?:new|changed|updated|different)\s+(?:bank|banking|account|payment)\s+"
            r"(?:details|account|information|instructions|number)",
            r"(?:bank|banking|payment)\s+(?:details|information|account)\s+(?:have|has)\s+(?:now\s+)?"
            r"(?:changed|been\s+(?:changed|updated))",
            r"(?:new|neue)\s+bankverbindung|kontonummer|bankverbindung\s+(?:hat\s+sich\s+)?geändert|(?-i:BLZ)",
            r"(?-i:[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?)",  # an IBAN
            r"(?<![\d.,])\d{8,}(?![\d]|[.,]\d)",  # an account number
        ),
    ),
    Claim(
        key="deadline",
        what="sets a deadline; the only deadline an email gives is the reply-by date",
        prompt="Set no deadline of your own (no 'within 2 days', 'within 48 hours', 'by Friday', 'by the end of the "
        "week'): the only deadline is the reply-by date the system writes.",
        allowed_from=None,
        patterns=(
            rf"within\s+(?:the\s+next\s+)?{_NUMBER_WORDS}\s+(?:business\s+|working\s+|calendar\s+)?(?:hours?|days?|weeks?)",
            rf"in\s+the\s+next\s+{_NUMBER_WORDS}\s+(?:business\s+|working\s+)?(?:hours?|days?)",
            rf"(?:by|before|until|no\s+later\s+than)\s+(?:this\s+|next\s+|the\s+end\s+of\s+)?(?:{_WEEKDAYS}|tomorrow|"
            r"tonight|today|end\s+of\s+(?:the\s+|this\s+)?(?:day|week|month)|close\s+of\s+business|(?-i:COB|EOD))",
            r"(?:by|before|until)\s+the\s+end\s+of\s+(?:the|this|next)\s+(?:day|week|month)",
            rf"{_NUMBER_WORDS}[-\s](?:business[-\s]|working[-\s])?(?:day|hour|week)\s+(?:deadline|window|grace\s+period)",
            r"deadline\s+(?:of|is)\s+(?:\d|tomorrow|today)",
            r"innerhalb\s+(?:von\s+)?\d+\s+(?:tagen|stunden|werktagen)|binnen\s+\d+",
            r"bis\s+(?:morgen|montag|dienstag|mittwoch|donnerstag|freitag|ende\s+der\s+woche)",
        ),
    ),
    Claim(
        key="interest_fees",
        what="mentions interest, fees, penalties or late charges, which the app's emails never do",
        prompt="Never mention interest, fees, penalties, surcharges or late charges.",
        allowed_from=None,
        patterns=(
            r"interest\s+(?:charges?|rates?|at|will|accrues?|is\s+(?:charged|added|due)|on\s+(?:the|your|overdue|late|"
            r"unpaid|outstanding))",
            r"(?:%|per\s*cent|percent)\s+(?:annual\s+|monthly\s+|statutory\s+)?interest",
            r"(?:charg|add|apply|applie|accru|levy|levie)\w*\s+(?:\w+\s+){0,3}interest",
            r"statutory\s+interest|default\s+interest",
            r"(?<!no\s)fees?",
            r"penalt(?:y|ies)|surcharges?|late[-\s]+(?:payment\s+)?(?:charges?|costs?)",
            r"verzugszinsen|zinsen|mahngebühr\w*|gebühr(?:en)?|intérêts\s+de\s+retard|pénalités",
        ),
    ),
    Claim(
        key="suspension",
        what="threatens to suspend service or the account",
        prompt="Do not threaten to suspend service, deliveries or the account.",
        allowed_from=5,
        patterns=(
            r"suspen(?:d|ds|ded|ding|sion)",
            r"(?:stop|halt|cease|withhold|block|freez|pause)\w*\s+(?:\w+\s+){0,3}(?:deliver(?:y|ies)|orders?|supplies|"
            r"shipments?|services?|your\s+account|credit\s+terms?)",
            r"(?:put|place)\w*\s+(?:\w+\s+){0,3}on\s+(?:credit\s+)?(?:stop|hold)",
            r"liefersperre|sperrung|sperren",
        ),
    ),
    Claim(
        key="credit_reporting",
        what="threatens credit reporting or credit agencies",
        prompt="Do not mention credit reporting, credit agencies or credit bureaus.",
        allowed_from=5,
        patterns=(
            r"credit\s+(?:report(?:s|ing)?|bureaus?|reference\s+agenc(?:y|ies)|rating\s+agenc(?:y|ies)|agenc(?:y|ies)|"
            r"scores?|files?|ratings?|history)",
            r"report\w*\s+(?:\w+\s+){0,3}to\s+(?:the\s+)?(?:credit|rating)",
            r"(?-i:Schufa|Creditreform|Experian|Equifax|TransUnion)|dun\s*&\s*bradstreet",
        ),
    ),
    Claim(
        key="debt_collection",
        what="threatens debt recovery or a collection agency",
        prompt="Do not mention debt recovery, debt collectors or collection agencies.",
        allowed_from=5,
        patterns=(
            r"collections?\s+agenc(?:y|ies)",
            r"debt\s+(?:recovery|collect(?:ion|ors?))",
            r"(?:recovery|collections?)\s+(?:partners?|firms?|compan(?:y|ies)|services?|specialists?|agents?)",
            r"refer\w*\s+(?:\w+\s+){0,4}(?:for|to)\s+(?:collection|recovery)",
            r"inkasso\w*",
        ),
    ),
    Claim(
        key="legal_action",
        what="threatens legal action or the courts",
        prompt="Do not threaten legal action, courts, lawyers or proceedings.",
        allowed_from=5,
        patterns=(
            r"legal\s+(?:action|proceedings?|steps|measures|remedies|recourse|means|counsel|department|team)",
            r"(?:court|judicial)\s+proceedings?|courts?|law\s?suits?|litigat(?:e|ion|ing)|small\s+claims?",
            r"(?-i:sue|sued|suing|SUE|SUED|SUING)",  # lower case only: "Sue" is a first name
            r"attorneys?|solicitors?|lawyers?|rechtsanwalt\w*|gerichtlich\w*|mahnbescheid",
        ),
    ),
    Claim(
        key="further_action",
        what="warns of further action",
        prompt="Do not warn of further action or further steps.",
        allowed_from=4,
        patterns=(r"further\s+(?:action|steps|measures)|weitere\s+(?:schritte|maßnahmen)",),
    ),
    Claim(
        key="earlier_notices",
        what="refers to earlier notices, but the facts list no earlier email",
        prompt="Do not refer to earlier emails or notices ('previous notices', 'as we wrote', 'our last reminder', "
        "'again', 'second reminder', 'despite our previous') unless the facts list previous_emails.",
        allowed_from=1,
        needs="previous_emails",
        patterns=(
            r"previous\s+(?:notices?|reminders?|emails?|e-mails?|letters?|correspondence|messages?|requests?)",
            r"(?:our|my)\s+(?:last|previous|earlier|recent|prior|first)\s+(?:reminder|notice|email|e-mail|letter|"
            r"message|request)s?",
            r"as\s+(?:we|I)\s+(?:wrote|mentioned|said|informed|advised|noted|explained|stated)",
            r"(?:we|I)\s+(?:have\s+)?(?:already\s+)?(?:wrote|written|contacted|reminded|notified)\s+(?:to\s+)?you",
            r"we\s+last\s+wrote",
            r"(?:second|third|fourth|2nd|3rd|4th|another|repeated)\s+(?:reminder|notice|request|demand)s?",
            r"despite\s+(?:our|the|several|repeated|multiple|previous|earlier)",
            r"repeated(?:ly)?\s+(?:reminders|requests|attempts|notices)",
            r"again",
            r"(?:no|not)\s+(?:yet\s+)?(?:had|received)\s+(?:a\s+|any\s+)?(?:reply|response)",
            r"(?:unsere[rn]?)\s+(?:letzten?|vorherigen?|früheren?)\s+(?:erinnerung|mahnung|e-mail|schreiben)|erneut|"
            r"wiederholt|trotz\s+(?:unserer|mehrfacher)",
        ),
    ),
    Claim(
        key="final_notice",
        what="uses final-notice language, allowed only from degree 4 and after an earlier email",
        prompt="Do not call the email final ('final notice', 'final reminder', 'last chance').",
        allowed_from=4,
        needs="previous_emails",
        prompt_when_allowed="Call the email final ('final notice', 'last chance') only if the facts list "
        "previous_emails.",
        patterns=(
            r"final\s+(?:notice|reminder|demand|warning|request|opportunity|chance|letter)",
            r"last\s+(?:chance|opportunity|warning)",
            r"letzte\s+mahnung|dernier\s+rappel",
        ),
    ),
)
CLAIMS_BY_KEY = {claim.key: claim for claim in CLAIMS}

DEGREE_NAMES = {
    1: "friendly reminder",
    2: "firm reminder",
    3: "urgent reminder",
    4: "final notice",
    5: "pre-collection",
}


def forbidden_keys(template_data: object) -> frozenset[str]:
    """The claims a template forbids outright (it may only tighten the table: unknown keys are ignored)."""
    forbid = template_data.get("forbid") if isinstance(template_data, dict) else None
    return frozenset(key for key in forbid or () if isinstance(key, str) and key in CLAIMS_BY_KEY)


def allowed_at(claim: Claim, degree: int, template_data: object = None) -> bool:
    """Whether ``claim`` may be made at ``degree`` by the table and the template (its ``needs`` aside)."""
    if claim.key in forbidden_keys(template_data):
        return False
    return claim.allowed_from is not None and degree >= claim.allowed_from


def claims_prompt_lines(degree: int, template_data: object = None) -> list[str]:
    """The prompt's rules for ``degree``: one sentence for every claim the email may not make (or may make only
    when the facts show it). The same table the check enforces."""
    lines = []
    for claim in CLAIMS:
        if not allowed_at(claim, degree, template_data):
            lines.append(claim.prompt)
        elif claim.needs:
            lines.append(claim.prompt_when_allowed or claim.prompt)  # the sentence names the fact it needs
    return lines


def compiled(claim: Claim) -> re.Pattern:
    return _COMPILED[claim.key]


_COMPILED = {
    claim.key: re.compile(r"(?<!\w)(?:" + "|".join(claim.patterns) + r")(?!\w)", re.IGNORECASE) for claim in CLAIMS
}
