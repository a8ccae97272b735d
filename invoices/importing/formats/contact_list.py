"""Customer contact lists: QuickBooks Online "Customer Contact List" or a plain canonical contacts CSV.

Aging reports rarely carry emails, so contacts come from a list like these. QuickBooks packs several values
into one cell ("a@x.example, b@y.example"; "Phone: (617) 555-0190 Mobile: 207-555-0199") and gives a single
"Full Name", which is split into first and last name here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..canonical import ContactRow
from ..errors import ERROR, WARNING, RowIssue
from .base import Header, nonempty

ROLES: dict[str, tuple[str, ...]] = {
    "client_id": ("clientid", "customerid", "accountid", "a/c", "accountref"),
    "account_name": ("accountname", "companyname"),
    "customer": ("customer", "customerfullname", "customername", "displayname", "name"),
    "full_name": ("fullname", "contact", "contactname", "primarycontact"),
    "first_name": ("firstname", "contactfirstname", "givenname"),
    "last_name": ("lastname", "contactlastname", "familyname", "surname"),
    "email": ("email", "emails", "emailaddress", "contactemail"),
}
# Every column whose key is one of these holds phone numbers (QuickBooks has one, other exports several).
PHONE_KEYS = frozenset(
    {"phonenumbers", "phone", "phones", "phonenumber", "telephone", "mobile", "mobilephone", "workphone",
     "homephone", "contactphone", "cell"}
)  # fmt: skip
_AGING_KEYS = ("num", "invoiceno", "invoicenumber", "documentnumber", "openbalance", "totaloutstanding")


def matches(header: Header) -> bool:
    has_who = header.has(ROLES["client_id"] + ROLES["account_name"] + ROLES["customer"])
    has_contact = header.has(ROLES["email"] + ROLES["full_name"] + ROLES["first_name"]) or any(
        k in PHONE_KEYS for k in header.keys
    )
    return has_who and has_contact and not header.has(_AGING_KEYS)


_PHONE_LABEL = re.compile(
    r"\b(phone|mobile|cell|fax|work|home|tel|telephone|main|other|office|business|alt\.?)\s*:", re.IGNORECASE
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "rev", "fr", "lord", "lady"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "dds", "cpa"}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le", "st", "dos", "das"}


def split_emails(cell: str) -> tuple[list[str], list[str]]:
    """(addresses, things that are not addresses) of a cell that may list several, separated by , ; or spaces."""
    emails: list[str] = []
    invalid: list[str] = []
    for token in re.split(r"[,;\s]+", cell.strip()):
        token = token.strip("<>\"'")
        if not token:
            continue
        if _EMAIL.fullmatch(token):
            if token.lower() not in (e.lower() for e in emails):
                emails.append(token)
        else:
            invalid.append(token)
    return emails, invalid


def split_phones(cell: str) -> list[str]:
    """Phone numbers of a cell like "Phone: 207-555-0112 Mobile: 207-555-0199" (fax numbers left out)."""
    phones: list[str] = []
    label = ""
    position = 0
    parts: list[tuple[str, str]] = []
    for m in _PHONE_LABEL.finditer(cell):
        parts.append((label, cell[position : m.start()]))
        label, position = m.group(1).lower(), m.end()
    parts.append((label, cell[position:]))
    for label, text in parts:
        if label == "fax":
            continue
        for number in re.split(r"[;,]|\s+/\s+", text):
            number = number.strip()
            if number and any(ch.isdigit() for ch in number) and number not in phones:
                phones.append(number)
    return phones


def split_full_name(full_name: str) -> tuple[str, str]:
    """("Ana", "Ruiz") for "Dr. Ana Ruiz"; ("Alan", "Morrow") for "Morrow, Alan"; ("Ludwig", "van Beethoven")."""
    text = " ".join(full_name.split())
    if "," in text:
        before, after = (p.strip() for p in text.split(",", 1))
        if after.lower().strip(".") in _SUFFIXES:
            text = before
        elif before and after:
            text = f"{after} {before}"  # "Last, First"
    tokens = text.split()
    while tokens and tokens[0].lower().strip(".") in _TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1].lower().strip(".,") in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return tokens[0], ""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(tokens[:start]), " ".join(tokens[start:])


class ContactListParser:
    def __init__(self, header: Header) -> None:
        self.header = header
        self.cols = {role: i for role, aliases in ROLES.items() if (i := header.find(aliases)) is not None}
        self.phone_cols = [i for i, k in enumerate(header.keys) if k in PHONE_KEYS]

    def parse(self, line: int, cells: list[str]) -> Sequence[ContactRow | RowIssue]:
        filled = nonempty(cells)
        if not filled:
            return ()
        cols = self.cols
        text = _texter(cells)
        if len(filled) == 1 and filled[0] not in (cols.get("customer"), cols.get("client_id")):
            return ()  # a footer line such as QuickBooks' "Accrual Basis ..." timestamp
        customer = text(cols.get("customer"))
        if "client_id" in cols:
            # An account code column must be filled: the name alone would not match the aging rows' client_id.
            client_id = text(cols["client_id"])
            missing = "missing client_id"
        else:
            client_id = customer or text(cols.get("account_name"))
            missing = "missing customer"
        account_name = text(cols.get("account_name")) or customer or client_id
        issues: list[RowIssue] = []
        if not client_id:
            who = cols.get("client_id", cols.get("customer", cols.get("account_name")))
            column = self.header.cells[who] if who is not None else None
            return [RowIssue(line, column, None, missing, ERROR)]
        first, last = text(cols.get("first_name")), text(cols.get("last_name"))
        if not (first or last):
            first, last = split_full_name(text(cols.get("full_name")))
        emails, invalid = split_emails(text(cols.get("email")))
        for token in invalid:
            issues.append(RowIssue(line, self.header.cells[cols["email"]], token, "not an email address", WARNING))
        phones: list[str] = []
        for i in self.phone_cols:
            for number in split_phones(text(i)):
                if number not in phones:
                    phones.append(number)
        row = ContactRow(line, client_id, account_name, first, last, tuple(emails), tuple(phones))
        return [row, *issues]


def _texter(cells: list[str]) -> Callable[[int | None], str]:
    def text(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return text
