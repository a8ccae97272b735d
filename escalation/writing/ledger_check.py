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
11. Legal threats (``LEGAL_WARNINGS`` from degree 4, ``LEGAL_THREATS`` only at degree 5).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from escalation.writing.money import (
    MONTH_NAMES,
    clean_inline,
    format_amount,
    greeting_name,
    parse_iso_date,
    to_decimal,
)

SUBJECT_MAX_LENGTH = 150
BODY_MIN_LENGTH = 80
BODY_MAX_LENGTH = 5000

# ISO codes recognised in the text besides the account's own currency. Deliberately small and without codes that
# are also ordinary upper-case words in a shouted final notice (TRY, RON, ALL, ...).
COMMON_CURRENCY_CODES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "JPY",
        "CNY",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "SGD",
        "HKD",
        "MXN",
        "BRL",
        "ZAR",
        "AED",
        "ILS",
    }
)
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"})
# A currency symbol and the currencies it may stand for.
CURRENCY_SYMBOLS = {
    "$": DOLLAR_CURRENCIES,
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "¥": frozenset({"JPY", "CNY"}),
    "₹": frozenset({"INR"}),
}
# Prefixed dollar signs (``US$``, ``C$``, ...).
DOLLAR_PREFIXES = {
    "US": "USD",
    "CA": "CAD",
    "C": "CAD",
    "AU": "AUD",
    "A": "AUD",
    "NZ": "NZD",
    "S": "SGD",
    "SG": "SGD",
    "HK": "HKD",
    "MX": "MXN",
    "Mex": "MXN",
    "R": "BRL",
}
CURRENCY_WORDS = {"dollar": DOLLAR_CURRENCIES, "euro": frozenset({"EUR"}), "sterling": frozenset({"GBP"})}

# Legal and collection threats, by the lowest escalation degree that may use them (degree 1 friendly reminder,
# 2 firm, 3 urgent, 4 final notice, 5 pre-collection). Each entry: the phrase as reported, and its pattern (matched
# case-insensitively with word boundaries, except where the pattern sets its own case).
# From degree 4 (final notice): a warning that the account may go further.
LEGAL_WARNINGS = (
    ("legal action", r"legal\s+action"),
    ("collection agency", r"collections?\s+agenc(?:y|ies)"),
    ("further action", r"further\s+(?:action|steps|measures)"),
)
# Only at degree 5 (pre-collection); below that they are threats the app does not make.
LEGAL_THREATS = (
    ("legal proceedings", r"(?:legal|court)\s+proceedings?"),
    ("legal steps", r"legal\s+(?:steps|measures|remedies|recourse|means|counsel|department|team)"),
    ("court", r"courts?"),
    ("lawsuit", r"law\s?suits?"),
    ("sue", r"(?-i:sue|sued|suing|SUE|SUED|SUING)"),  # lower case only: "Sue" is a first name
    ("attorney", r"attorneys?"),
    ("solicitor", r"solicitors?"),
    ("lawyer", r"lawyers?"),
    ("litigation", r"litigat(?:e|ion|ing)"),
    ("small claims", r"small\s+claims?"),
    ("debt collector", r"debt\s+collectors?"),
    ("debt collection", r"debt\s+collection(?!\s+agenc)"),
    ("credit reporting", r"credit\s+report(?:s|ing)?"),
    ("credit bureau", r"credit\s+(?:bureaus?|reference\s+agenc(?:y|ies)|rating\s+agenc(?:y|ies))"),
)
LEGAL_WARNINGS_FROM_DEGREE = 4
LEGAL_THREATS_FROM_DEGREE = 5

_MASK = "\x00"
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
    "legal",
)
_LIST_CAP = 12


@dataclass(frozen=True)
class LedgerCheck:
    passed: bool
    failures: tuple[str, ...]
    found: dict = field(default_factory=dict)


# --- the facts -----------------------------------------------------------------------------------------------


@dataclass
class _Ledger:
    currency: str
    degree: int
    total_due: Decimal | None
    values: list[Decimal]
    invoice_values: list[Decimal]
    invoice_numbers: list[str]
    dates: set[datetime.date]
    days: set[int]
    oldest_days: int | None
    allowed_urls: set[str]
    allowed_emails: set[str]
    trusted_texts: list[str]
    contact_names: list[str]

    @classmethod
    def from_facts(cls, facts: dict) -> _Ledger:
        facts = facts if isinstance(facts, dict) else {}
        organization = _dict(facts.get("organization"))
        account = _dict(facts.get("account"))
        contact = _dict(facts.get("contact"))
        invoices = [item for item in facts.get("invoices") or [] if isinstance(item, dict)]

        invoice_values: list[Decimal] = []
        numbers: list[str] = []
        dates: set[datetime.date] = set()
        days: set[int] = set()
        for invoice in invoices:
            number = str(invoice.get("invoice_no") or "").strip()
            if number and number not in numbers:
                numbers.append(number)
            for key in ("outstanding", "amount"):
                value = to_decimal(invoice.get(key))
                if value is not None and value not in invoice_values:
                    invoice_values.append(value)
            for key in ("invoice_date", "due_date"):
                if (day := parse_iso_date(invoice.get(key))) is not None:
                    dates.add(day)
            if (count := _int(invoice.get("days_overdue"))) is not None:
                days.add(count)
        for key in ("as_of", "today", "reply_by"):
            if (day := parse_iso_date(facts.get(key))) is not None:
                dates.add(day)
        for email in facts.get("previous_emails") or []:
            if isinstance(email, dict) and (day := parse_iso_date(email.get("date"))) is not None:
                dates.add(day)
        oldest = _int(facts.get("oldest_days_overdue"))
        if oldest is not None:
            days.add(oldest)
        elif days:
            oldest = max(days)

        total_due = to_decimal(facts.get("total_due"))
        values = [*invoice_values, *([total_due] if total_due is not None else [])]

        payment_link = str(organization.get("payment_link") or "").strip()
        org_texts = [str(value) for value in organization.values() if isinstance(value, str) and value.strip()]
        allowed_urls = {_url_key(url) for url in ([payment_link] if payment_link else [])}
        for text in org_texts:
            allowed_urls.update(_url_key(url) for url, _, _ in _find_urls(text))
        allowed_emails = {email.lower() for text in _strings(facts) for email, _, _ in _find_emails(text)}

        trusted: list[str] = []
        for text in [*org_texts, account.get("name"), account.get("client_id")]:
            if isinstance(text, str) and text.strip():
                trusted.append(text.strip())
                trusted.append(clean_inline(text, max_length=len(text)))
                for line in text.splitlines():
                    trusted.extend([line.strip(), clean_inline(line, max_length=len(line))])
        account_name = account.get("name")
        if isinstance(account_name, str):
            trusted.extend(clean_inline(account_name, max_length=n, drop="{}[]<>") for n in (80, 150))
        trusted = sorted({text for text in trusted if text}, key=len, reverse=True)

        names = [contact.get(key) for key in ("full_name", "first_name", "last_name")]
        names.append(f"{contact.get('first_name') or ''} {contact.get('last_name') or ''}")
        names.append(greeting_name(contact.get("first_name")))
        contact_names = sorted({n.strip() for n in names if isinstance(n, str) and n.strip()}, key=len, reverse=True)

        currency = str(facts.get("currency") or "").strip().upper()
        degree = _int(facts.get("degree")) or 1
        return cls(
            currency=currency,
            degree=min(max(degree, 1), 5),
            total_due=total_due,
            values=values,
            invoice_values=invoice_values,
            invoice_numbers=numbers,
            dates=dates,
            days=days,
            oldest_days=oldest,
            allowed_urls=allowed_urls,
            allowed_emails=allowed_emails,
            trusted_texts=trusted,
            contact_names=contact_names,
        )

    def summary(self) -> str:
        """``invoices: 4,820.00, -450.00; total due 4,370.00`` for failure messages."""
        shown = [format_amount(value) for value in self.invoice_values[:_LIST_CAP]]
        if len(self.invoice_values) > _LIST_CAP:
            shown.append("…")
        parts = [f"invoices: {', '.join(shown) if shown else 'none'}"]
        if self.total_due is not None:
            parts.append(f"total due {format_amount(self.total_due)}")
        return "; ".join(parts)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


_NAME_KEYS = frozenset({"first_name", "last_name", "full_name"})


def _strings(value: object):
    """Every string in the facts except the contact's names (untrusted: they may not vouch for an address)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NAME_KEYS:
                yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


# --- masking -------------------------------------------------------------------------------------------------


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + _MASK * (end - start) + text[end:]


def _bounded(literal: str) -> tuple[str, str, str]:
    """(before, literal, after): the literal with boundaries that stop it matching inside a longer word or number."""
    before = after = ""
    if literal[0].isalnum():
        before = r"(?<!\w)" + (r"(?<!\d[.,])" if literal[0].isdigit() else "")
    if literal[-1].isalnum():
        after = r"(?!\w)" + (r"(?![.,]\d)" if literal[-1].isdigit() else "")
    return before, re.escape(literal), after


@functools.lru_cache(maxsize=256)
def _alternation(items: tuple[tuple[str, str, str], ...]) -> re.Pattern:
    """One pattern for many bounded literals: one pass over the text however many invoices or trusted lines there
    are. Literals with the same boundaries share them (one lookbehind before an alternation of literals instead of
    one per literal), which is what keeps a 100-invoice ledger fast."""
    groups: dict[tuple[str, str], list[str]] = {}
    for before, literal, after in items:
        groups.setdefault((before, after), []).append(literal)
    alternatives = [f"{before}(?:{'|'.join(literals)}){after}" for (before, after), literals in groups.items()]
    return re.compile("|".join(alternatives) or r"(?!)")


def _mask_all(text: str, pattern: re.Pattern, start: int = 0, end: int | None = None) -> str:
    spans = [match.span() for match in pattern.finditer(text, start, len(text) if end is None else end)]
    if not spans:
        return text
    parts, last = [], 0
    for span_start, span_end in spans:
        parts += [text[last:span_start], _MASK * (span_end - span_start)]
        last = span_end
    return "".join([*parts, text[last:]])


def _mask_literals(text: str, literals: list[str], start: int = 0, end: int | None = None) -> str:
    ordered = sorted(literals, key=len, reverse=True)  # the longest first where two start at one place
    return _mask_all(text, _alternation(tuple(_bounded(literal) for literal in ordered)), start, end)


_GREETING = re.compile(
    r"[ \t]*(?:dear|hello|hi|hey|greetings|good\s+(?:morning|afternoon|evening))\b[^\n]*", re.IGNORECASE
)


def _mask_trusted(text: str, body_start: int, ledger: _Ledger) -> str:
    text = _mask_literals(text, ledger.trusted_texts)
    # The contact's name is untrusted: it is only passed over in the greeting line (the body's first line).
    first_line = re.compile(r"\s*").match(text, body_start).end()
    greeting = _GREETING.match(text, first_line)
    if greeting:
        text = _mask_literals(text, ledger.contact_names, greeting.start(), greeting.end())
    return text


# --- 1. links ------------------------------------------------------------------------------------------------

# Anchored at the start of a run and bounded, so a long run of word characters or dots stays linear.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_URL = re.compile(r"(?<![\w@.])(?:https?://|www\.)[^\s<>\"'`\x00]+", re.IGNORECASE)


def _find_emails(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in _EMAIL.finditer(text):
        email = match.group(0).rstrip(".-")
        found.append((email, match.start(), match.start() + len(email)))
    return found


def _find_urls(text: str) -> list[tuple[str, int, int]]:
    for _, start, end in _find_emails(text):
        text = _blank(text, start, end)
    found = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
            if url.endswith(close) and open_ not in url:
                url = url[:-1].rstrip(".,;:!?")
        found.append((url, match.start(), match.start() + len(url)))
    return found


def _url_key(url: str) -> str:
    """The URL as compared: trailing slashes and periods ignored, scheme and host case-insensitive."""
    url = url.strip().rstrip("/.")
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}"


def _url_matches(url: str, allowed: set[str]) -> bool:
    key = _url_key(url)
    if key in allowed:
        return True
    if "://" not in key:  # "www.example.com/pay" for "https://www.example.com/pay"
        return any(option.partition("://")[2] == key for option in allowed)
    return False


def _check_links(text: str, ledger: _Ledger, failures: dict) -> tuple[list[str], list[str]]:
    emails = _find_emails(text)
    urls = _find_urls(text)
    for url, _, _ in urls:
        if not _url_matches(url, ledger.allowed_urls):
            if ledger.allowed_urls:
                failures["links"].append(f'link "{url}" is not the payment link')
            else:
                failures["links"].append(f'link "{url}" is not allowed (the account has no payment link)')
    for email, _, _ in emails:
        if email.lower() not in ledger.allowed_emails:
            failures["links"].append(f'email address "{email}" is not in the ledger facts (the app sets the sender)')
    return [url for url, _, _ in urls], [email for email, _, _ in emails]


def _mask_links(text: str) -> str:
    for _, start, end in [*_find_emails(text), *_find_urls(text)]:
        text = _blank(text, start, end)
    return text


# --- 3. invoice numbers --------------------------------------------------------------------------------------


def _invoice_bounded(number: str) -> tuple[str, str, str]:
    before = r"(?<![\w$€£¥₹-])" if number[0].isalnum() else ""
    after = r"(?!\w|-\w|[.,]\d)" if number[-1].isalnum() else ""
    return before, re.escape(number), after


def _invoices_pattern(numbers: list[str]) -> re.Pattern:
    """Any of the ledger's invoice numbers, on word boundaries, the longest first."""
    return _alternation(tuple(_invoice_bounded(number) for number in sorted(numbers, key=len, reverse=True)))


def _invoice_key(token: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", token).upper()


def _shape_patterns(numbers: list[str]) -> list[re.Pattern]:
    """For each letter prefix of the ledger's numbers (``INV`` of ``INV-24017``): any token of that shape."""
    patterns = {}
    for number in numbers:
        match = re.match(r"([A-Za-z]+)([-_/#. ]?)\d", number)
        if not match:
            continue
        prefix, separator = match.groups()
        separators = "[-_/#.]" if separator != " " else "[-_/#. ]"
        flags = re.IGNORECASE if len(prefix) > 1 else 0
        key = (prefix.upper() if flags else prefix, separators)
        patterns[key] = re.compile(rf"(?<![\w-]){re.escape(prefix)}{separators}?\d[\w/-]*", flags)
    return list(patterns.values())


_INVOICE_REF = r"(?:\x00+|[A-Za-z]{0,6}[-/#]?\d[\w/-]*(?<![-/])(?![.,]\d))"
_INVOICE_KEYWORD = re.compile(
    r"\b(?:invoices?|inv|credit\s+notes?|credit\s+memos?)\b\.?[ \t]*"
    r"(?:(?:no|nos|number|numbers|#)\.?[ \t]*)?[#:]?[ \t]*"
    rf"(?P<tokens>{_INVOICE_REF}(?:[ \t]*(?:,|and|&|/|or)[ \t]*#?{_INVOICE_REF})*)",
    re.IGNORECASE,
)


def _check_invoice_numbers(text: str, masked: str, ledger: _Ledger, failures: dict, found: dict) -> str:
    known = {_invoice_key(number) for number in ledger.invoice_numbers}
    pattern = _invoices_pattern(ledger.invoice_numbers)
    present = {match.group(0) for match in pattern.finditer(text)}
    for number in ledger.invoice_numbers:
        if number in present:
            found["mentioned"].append(number)
        else:
            found["missing"].append(number)
            failures["invoices"].append(f"invoice {number} is not mentioned (every open invoice and credit must be)")
    masked = _mask_all(masked, pattern)
    for pattern in _shape_patterns(ledger.invoice_numbers):
        for match in pattern.finditer(masked):
            token = match.group(0).rstrip("-/")
            if _invoice_key(token) not in known:
                _unknown_invoice(token, failures, found)
            masked = _blank(masked, match.start(), match.end())
    return masked


def _check_invoice_keywords(masked: str, ledger: _Ledger, failures: dict, found: dict) -> str:
    """Numbers right after "invoice" / "credit note" (after dates and day counts are blanked)."""
    known = {_invoice_key(number) for number in ledger.invoice_numbers}
    for match in _INVOICE_KEYWORD.finditer(masked):
        start = match.start("tokens")
        for token in re.finditer(_INVOICE_REF, match.group("tokens")):
            value = token.group(0)
            if _MASK in value or len(value) < 3:  # "invoice 1 of 3" is not an invoice number
                continue
            if _invoice_key(value) not in known:
                _unknown_invoice(value, failures, found)
            masked = _blank(masked, start + token.start(), start + token.end())
    return masked


def _unknown_invoice(token: str, failures: dict, found: dict) -> None:
    if token not in found["unknown"]:
        found["unknown"].append(token)
        failures["invoices"].append(f"invoice {token} is not one of this account's open invoices")


# --- 4. placeholders -----------------------------------------------------------------------------------------

_PLACEHOLDERS = (
    re.compile(r"\{\{[^\n]{0,80}?\}\}"),
    re.compile(r"\{[^\n{}]{0,80}\}"),
    re.compile(r"\[[^\n\[\]]{1,80}\]"),
    re.compile(r"<\s*[A-Za-z_][^\n<>]{0,60}>"),
    re.compile(r"(?<![A-Za-z])(?:[Xx]{3,}|TBD|TBC|tbd|tbc)(?![A-Za-z])"),
    re.compile(r"_{3,}"),
)


def _check_placeholders(text: str, masked: str, failures: dict) -> tuple[list[str], str]:
    found: list[str] = []
    for pattern in _PLACEHOLDERS:
        for match in pattern.finditer(masked):
            raw = text[match.start() : match.end()]
            if raw.startswith("[") and not any(char.isalnum() for char in match.group(0)):
                continue  # a bracketed link or other trusted text
            if raw not in found:
                found.append(raw)
                failures["placeholders"].append(f'unfilled placeholder "{raw}"')
            masked = _blank(masked, match.start(), match.end())
    return found, masked


# --- 5. dates ------------------------------------------------------------------------------------------------

_MONTHS = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    for _form in {_name, _name[:3], "Sept" if _number == 9 else _name[:3]}:
        _MONTHS[_form] = _number
        _MONTHS[_form.upper()] = _number
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![A-Za-z])\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    (
        "ymd",
        re.compile(r"(?<![\w/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\w-]|[./]\d)"),
    ),
    ("dmy", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})(?!\w)")),
    ("mdy", re.compile(rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})(?!\w)")),
    (
        "numeric",
        re.compile(
            r"(?<![\w/.,-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/]|[.,-]\d)"
        ),
    ),
    ("dm", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?!\w)")),
    ("md", re.compile(rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?!\w|[.,]\d)")),
)


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_candidates(kind: str, match: re.Match) -> list[datetime.date] | list[tuple[int, int]] | None:
    groups = match.groupdict()
    if kind == "ymd":
        candidates = [_date(int(groups["year"]), int(groups["a"]), int(groups["b"]))]
    elif kind in ("dmy", "mdy"):
        candidates = [_date(int(groups["year"]), _MONTHS[groups["month"]], int(groups["day"]))]
    elif kind == "numeric":
        year = int(groups["year"])
        if len(groups["year"]) == 2:
            if groups["sep"] == ".":
                return None  # "1.50.25" is not a date
            year += 2000
        first, second = int(groups["a"]), int(groups["b"])
        candidates = [_date(year, second, first), _date(year, first, second)]  # day-first, then month-first
    else:
        month, day = _MONTHS[groups["month"]], int(groups["day"])
        return [(month, day)] if _date(2000, month, day) else []  # 2000 is a leap year: 29 February is valid
    return sorted({day for day in candidates if day is not None})


def _check_dates(text: str, masked: str, ledger: _Ledger, failures: dict) -> tuple[list[dict], str]:
    found: list[dict] = []
    month_days = {(day.month, day.day) for day in ledger.dates}
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(masked):
            candidates = _date_candidates(kind, match)
            if candidates is None:
                continue
            raw = text[match.start() : match.end()].rstrip(".")
            if kind in ("dm", "md"):
                in_ledger = any(candidate in month_days for candidate in candidates)
                readings = [f"--{month:02d}-{day:02d}" for month, day in candidates]
            else:
                in_ledger = any(candidate in ledger.dates for candidate in candidates)
                readings = [candidate.isoformat() for candidate in candidates]
            found.append({"text": raw, "readings": readings, "in_ledger": in_ledger, "at": match.start()})
            if not in_ledger:
                failures["dates"].append(
                    f'date "{raw}" is not in the ledger (invoice, due, report, reply-by and previous email dates)'
                )
            masked = _blank(masked, match.start(), match.end())
    found.sort(key=lambda item: item.pop("at"))
    return found, masked


# --- 6. day counts -------------------------------------------------------------------------------------------

_QUALIFIER = r"(?:(?P<qualifier>more\s+than|over|at\s+least|in\s+excess\s+of|upwards\s+of)\s+)?"
_OVERDUE_WORDS = (
    r"(?:overdue|past[\s-]+due|late|outstanding|unpaid|in\s+arrears|behind"
    r"|(?:past|after|beyond)\s+(?:the\s+|its\s+|their\s+)?due(?:\s+dates?)?)"
)
_DAYS_OVERDUE = (
    re.compile(
        rf"(?<![\w.,]){_QUALIFIER}(?P<n>\d{{1,5}})(?:\s+|-)(?:calendar\s+)?days?(?:\s+|-){_OVERDUE_WORDS}", re.I
    ),
    re.compile(
        rf"\b(?:overdue|past\s+due|late|outstanding|unpaid|in\s+arrears)\s+(?:by|for)\s+{_QUALIFIER}"
        r"(?P<n>\d{1,5})(?:\s+|-)(?:calendar\s+)?days?\b",
        re.I,
    ),
)
_ANY_DAYS = re.compile(r"(?<![\w.,])\d{1,5}(?:\s+|-)(?:calendar\s+|business\s+|working\s+)?days?\b", re.I)


def _check_day_counts(text: str, masked: str, ledger: _Ledger, failures: dict) -> tuple[list[dict], str]:
    found: list[dict] = []
    oldest = ledger.oldest_days if ledger.oldest_days is not None else max(ledger.days, default=None)
    for pattern in _DAYS_OVERDUE:
        for match in pattern.finditer(masked):
            raw = " ".join(text[match.start() : match.end()].split())
            days = int(match.group("n"))
            qualifier = " ".join((match.group("qualifier") or "").lower().split())
            if qualifier == "at least":
                in_ledger = oldest is not None and days <= oldest
            elif qualifier:
                in_ledger = oldest is not None and days < oldest
            else:
                in_ledger = days in ledger.days
            found.append({"text": raw, "days": days, "in_ledger": in_ledger})
            if not in_ledger:
                shown = ", ".join(str(day) for day in sorted(ledger.days, reverse=True)[:_LIST_CAP]) or "none"
                failures["days"].append(f'"{raw}" does not match the ledger (days overdue: {shown})')
            masked = _blank(masked, match.start(), match.end())
    for match in _ANY_DAYS.finditer(masked):  # "within 7 days": not a ledger figure, never money
        masked = _blank(masked, match.start(), match.end())
    return found, masked


# --- 7. currency ---------------------------------------------------------------------------------------------

_SYMBOL = re.compile(
    r"(?:(?<![A-Za-z])(?P<prefix>" + "|".join(sorted(DOLLAR_PREFIXES, key=len, reverse=True)) + r"))?"
    r"(?P<symbol>[$€£¥₹])"
)
_CURRENCY_WORD = re.compile(r"\b(?P<word>dollars?|euros?|sterling)\b", re.IGNORECASE)


def _symbol_currencies(prefix: str | None, symbol: str) -> frozenset[str]:
    if prefix and symbol == "$":
        return frozenset({DOLLAR_PREFIXES[prefix]})
    return CURRENCY_SYMBOLS[symbol]


def _check_currencies(text: str, masked: str, ledger: _Ledger, failures: dict) -> list[dict]:
    found: list[dict] = []
    codes = COMMON_CURRENCY_CODES | ({ledger.currency} if re.fullmatch(r"[A-Z]{3}", ledger.currency) else set())
    code_pattern = re.compile(r"(?<![A-Za-z])(?P<code>" + "|".join(sorted(codes)) + r")(?![A-Za-z])")
    markers: list[tuple[str, frozenset[str]]] = []
    markers += [(m.group("code"), frozenset({m.group("code")})) for m in code_pattern.finditer(masked)]
    markers += [
        (m.group(0), _symbol_currencies(m.group("prefix"), m.group("symbol"))) for m in _SYMBOL.finditer(masked)
    ]
    for m in _CURRENCY_WORD.finditer(masked):
        word = m.group("word").lower().rstrip("s")
        markers.append((m.group("word"), CURRENCY_WORDS[word]))
    seen = set()
    for marker, currencies in markers:
        ok = not ledger.currency or ledger.currency in currencies
        if marker in seen:
            continue
        seen.add(marker)
        found.append({"text": marker, "currencies": sorted(currencies), "ok": ok})
        if not ok:
            meaning = marker if currencies == {marker} else f"{marker} ({'/'.join(sorted(currencies))})"
            failures["currency"].append(f"currency {meaning} does not match the account's currency {ledger.currency}")
    return found


# --- 8. amounts ----------------------------------------------------------------------------------------------

# Letters may touch a number ("USD6,070.50", "4,820.00USD"); digits, separators and masked text may not.
_NUMBER = re.compile(
    r"(?<![\d.,_\x00])(?:"
    r"(?P<eu_grouped>\d{1,3}(?:\.\d{3})+,\d{2})"
    r"|(?P<us>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
    r"|(?P<spaced>\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,5}[.,]\d{2})"
    r"|(?P<eu>\d+,\d{2})"
    r"|(?P<plain>\d+(?:\.\d+)?)"
    r")(?![\d_\x00]|[.,]\d)"
)
_PREFIX_ALTERNATIVES = "|".join(sorted(DOLLAR_PREFIXES, key=len, reverse=True))
_LEFT = re.compile(
    r"(?P<paren>\()?[ \t]?"
    rf"(?:(?P<code>[A-Z]{{3}})[ \t\u00a0]?|(?P<symbol>(?:{_PREFIX_ALTERNATIVES})?[$€£¥₹])[ \t\u00a0]?)?"
    r"(?P<sign>[-\u2212])?(?P<symbol2>[$€£¥₹])?\Z"
)
_RIGHT = re.compile(
    r"\A[ \t\u00a0]?"
    r"(?:(?P<code>[A-Z]{3})(?![A-Za-z])|(?P<symbol>[$€£¥₹])|(?P<word>[Dd]ollars?|[Ee]uros?|[Ss]terling)\b)?"
    r"[ \t]?(?P<paren>\))?"
)
_NOT_MONEY_AFTER = re.compile(r"\A\s?(?:%|per\s*cent|percent|(?:am|pm|a\.m\.|p\.m\.)(?!\w))", re.IGNORECASE)


def _number_value(match: re.Match) -> tuple[Decimal, str, bool]:
    """(value, decimals, grouped) of a number token."""
    if match.group("eu_grouped"):
        whole, decimals = match.group("eu_grouped").split(",")
        return Decimal(whole.replace(".", "") + "." + decimals), decimals, True
    if match.group("eu"):
        whole, decimals = match.group("eu").split(",")
        return Decimal(f"{whole}.{decimals}"), decimals, False
    if match.group("spaced"):
        token = match.group("spaced")
        whole, decimals = token[:-3], token[-2:]
        return Decimal("".join(whole.split()) + "." + decimals), decimals, True
    token = match.group("us") or match.group("plain")
    decimals = token.partition(".")[2]
    return Decimal(token.replace(",", "")), decimals, "," in token


def _check_amounts(masked: str, ledger: _Ledger, failures: dict) -> tuple[list[dict], list[str]]:
    amounts: list[dict] = []
    ignored: list[str] = []
    codes = COMMON_CURRENCY_CODES | {ledger.currency}
    magnitudes = {abs(value) for value in ledger.values}
    for match in _NUMBER.finditer(masked):
        start, end = match.span()
        after = masked[end : end + 24]
        if _NOT_MONEY_AFTER.match(after):
            ignored.append(match.group(0))
            continue
        value, decimals, grouped = _number_value(match)
        left = _LEFT.search(masked[max(0, start - 12) : start])
        right = _RIGHT.match(after)
        currency = None
        if left and left.group("code") in codes:
            currency = left.group("code")
        elif left and (left.group("symbol") or left.group("symbol2")):
            currency = left.group("symbol") or left.group("symbol2")
        elif right and right.group("code") in codes:
            currency = right.group("code")
        elif right and (right.group("symbol") or right.group("word")):
            currency = right.group("symbol") or right.group("word")
        if not (currency or len(decimals) == 2 or grouped):
            ignored.append(match.group(0))
            continue
        minus = False
        if left and left.group("sign"):
            sign_at = start - 12 + left.start("sign") if start >= 12 else left.start("sign")
            before = masked[sign_at - 1] if sign_at > 0 else " "
            minus = not before.isalnum() or (left.group("code") in codes)
        parenthesised = bool(left and left.group("paren") and right and right.group("paren"))
        # An explicit minus must match a credit; otherwise by magnitude ("a credit of 450.00", "(450.00)").
        in_ledger = -value in ledger.values if minus else value in magnitudes
        shown = f"-{match.group(0)}" if minus else f"({match.group(0)})" if parenthesised else match.group(0)
        amounts.append(
            {
                "text": shown,
                "value": str(-value if minus or parenthesised else value),
                "currency": currency,
                "in_ledger": in_ledger,
            }
        )
        if not in_ledger:
            failures["amounts"].append(f"amount {shown} is not in the ledger ({ledger.summary()})")
    return amounts, ignored


# --- 10. length, 11. legal -----------------------------------------------------------------------------------


def _check_length(subject: str, body: str, failures: dict) -> None:
    stripped = subject.strip()
    if not stripped:
        failures["length"].append("the subject is empty")
    elif len(stripped) > SUBJECT_MAX_LENGTH:
        failures["length"].append(
            f"the subject is {len(stripped)} characters long (at most {SUBJECT_MAX_LENGTH} allowed)"
        )
    if any(char in subject for char in "\r\n\u2028\u2029\x85"):
        failures["length"].append("the subject must be a single line")
    length = len(body.strip())
    if length < BODY_MIN_LENGTH:
        failures["length"].append(f"the body is {length} characters long (at least {BODY_MIN_LENGTH} needed)")
    elif length > BODY_MAX_LENGTH:
        failures["length"].append(f"the body is {length:,} characters long (at most {BODY_MAX_LENGTH:,} allowed)")


_LEGAL = tuple(
    (label, re.compile(rf"\b{pattern}\b", re.IGNORECASE), minimum)
    for phrases, minimum in ((LEGAL_WARNINGS, LEGAL_WARNINGS_FROM_DEGREE), (LEGAL_THREATS, LEGAL_THREATS_FROM_DEGREE))
    for label, pattern in phrases
)


def _check_legal(masked: str, ledger: _Ledger, failures: dict) -> list[str]:
    found: list[str] = []
    for label, pattern, minimum in _LEGAL:
        match = pattern.search(masked)
        if not match:
            continue
        found.append(label)
        if ledger.degree < minimum:
            failures["legal"].append(
                f'"{" ".join(match.group(0).split())}" threatens legal or collection action, which is not allowed '
                f"at degree {ledger.degree} (allowed from degree {minimum})"
            )
    return found


# --- the check -----------------------------------------------------------------------------------------------


def ledger_check(*, subject: str, body: str, facts: dict) -> LedgerCheck:
    """Check a collection email (subject and body together) against the ledger facts it was written from."""
    subject = subject if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    ledger = _Ledger.from_facts(facts)
    failures: dict[str, list[str]] = {key: [] for key in _FAILURE_ORDER}
    found: dict = {}

    _check_length(subject, body, failures)
    text = f"{subject}\n{body}".replace(_MASK, " ")
    found["links"], found["emails"] = _check_links(text, ledger, failures)
    masked = _mask_trusted(text, len(subject) + 1, ledger)
    masked = _mask_links(masked)
    invoices: dict[str, list[str]] = {"mentioned": [], "missing": [], "unknown": []}
    masked = _check_invoice_numbers(text, masked, ledger, failures, invoices)
    found["placeholders"], masked = _check_placeholders(text, masked, failures)
    found["dates"], masked = _check_dates(text, masked, ledger, failures)
    found["day_counts"], masked = _check_day_counts(text, masked, ledger, failures)
    masked = _check_invoice_keywords(masked, ledger, failures, invoices)
    found["invoice_numbers"] = invoices
    found["currencies"] = _check_currencies(text, masked, ledger, failures)
    found["amounts"], found["ignored_numbers"] = _check_amounts(masked, ledger, failures)
    if ledger.total_due is not None and not any(
        abs(Decimal(item["value"])) == abs(ledger.total_due) for item in found["amounts"]
    ):
        failures["total"].append(f"the total due ({format_amount(ledger.total_due)}) is not stated as an amount")
    found["legal_phrases"] = _check_legal(masked, ledger, failures)

    ordered = tuple(dict.fromkeys(message for key in _FAILURE_ORDER for message in failures[key]))
    return LedgerCheck(passed=not ordered, failures=ordered, found=found)
