"""The view of the facts every check reads: the ledger's figures, dates and trusted texts, taken once."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from escalation.writing.money import clean_inline, format_amount, greeting_name, parse_iso_date, to_decimal

from .links import find_emails, find_urls, url_key
from .masking import LIST_CAP


def facts_dict(facts: object) -> dict:
    """The stored JSON form of the facts: a typed facts object (``.as_dict()``) or a mapping; anything else → {}."""
    as_dict = getattr(facts, "as_dict", None)
    if callable(as_dict):
        facts = as_dict()
    return dict(facts) if isinstance(facts, Mapping) else {}


@dataclass(frozen=True)
class Item:
    """One ledger line: an overdue invoice (asked for), a credit (reduces what is asked) or an invoice coming due
    (may only be mentioned as upcoming)."""

    number: str
    kind: str  # "overdue", "credit" or "coming_due"
    values: frozenset[Decimal]  # amount and outstanding
    invoice_date: datetime.date | None
    due_date: datetime.date | None
    days_overdue: int | None

    def describe(self) -> str:
        """``INV-1001: 4,820.00`` (``of 5,000.00`` when the amount differs) for failure messages."""
        shown = ", ".join(format_amount(value) for value in sorted(self.values, key=abs, reverse=True))
        return f"{self.number}: {shown or 'no amount'}"


@dataclass
class Ledger:
    currency: str
    degree: int
    total_due: Decimal | None
    total_overdue: Decimal | None
    values: list[Decimal]  # every figure an amount may be off an invoice's line
    invoice_values: list[Decimal]
    invoice_numbers: list[str]  # overdue invoices and credits: each must be mentioned
    coming_numbers: list[str]  # not yet due: may be mentioned only as upcoming, never at degree >= 3
    items: dict[str, Item]
    general_dates: set[datetime.date]  # the dates an email may state off an invoice's line
    date_roles: dict[datetime.date, str]
    days: set[int]
    oldest_days: int | None
    reply_by: datetime.date | None
    has_previous_emails: bool
    has_payment_credit: bool
    allowed_urls: set[str]
    allowed_emails: set[str]
    trusted_texts: list[str]
    contact_names: list[str]
    locale: str
    own_names: list[str]  # the account's, the organization's and the contact's names: never "another customer"

    @property
    def dates(self) -> set[datetime.date]:
        """Every date of the ledger (invoice and due dates included)."""
        days = set(self.general_dates)
        for item in self.items.values():
            days.update(day for day in (item.invoice_date, item.due_date) if day)
        return days

    @classmethod
    def from_facts(cls, facts: object) -> Ledger:
        facts = facts_dict(facts)
        organization = _dict(facts.get("organization"))
        account = _dict(facts.get("account"))
        contact = _dict(facts.get("contact"))

        items: dict[str, Item] = {}
        lists = (("invoices", "overdue"), ("credits", "credit"), ("coming_due", "coming_due"))
        for key, kind in lists:
            for entry in facts.get(key) or []:
                if isinstance(entry, dict) and (item := _item(entry, kind)) and item.number not in items:
                    items[item.number] = item
        invoice_values: list[Decimal] = []
        days: set[int] = set()
        for item in items.values():
            if item.kind == "coming_due":
                continue
            invoice_values.extend(value for value in item.values if value not in invoice_values)
            if item.days_overdue is not None:
                days.add(item.days_overdue)

        date_roles: dict[datetime.date, str] = {}
        promise = _dict(facts.get("broken_promise"))
        overdue_due = [item.due_date for item in items.values() if item.kind == "overdue" and item.due_date]
        oldest_due = parse_iso_date(facts.get("oldest_due_date")) or min(overdue_due, default=None)
        for day, role in (
            (parse_iso_date(facts.get("as_of")), "the report date"),
            (parse_iso_date(facts.get("reply_by")), "the reply-by date"),
            (parse_iso_date(promise.get("promised_date")), "the promised date"),
            (oldest_due, "the oldest due date"),
        ):
            if day is not None:
                date_roles.setdefault(day, role)
        previous = [email for email in facts.get("previous_emails") or [] if isinstance(email, dict)]
        for email in previous:
            if (day := parse_iso_date(email.get("date"))) is not None:
                date_roles.setdefault(day, "a previous email's date")
        oldest = _int(facts.get("oldest_days_overdue"))
        if oldest is not None:
            days.add(oldest)
        elif days:
            oldest = max(days)

        total_due = to_decimal(facts.get("total_due"))
        total_overdue = to_decimal(facts.get("total_overdue"))
        promised = to_decimal(promise.get("amount"))
        values = list(invoice_values)
        values += [value for value in (total_due, total_overdue, promised) if value is not None and value not in values]

        payment_link = str(organization.get("payment_link") or "").strip()
        org_texts = [str(value) for value in organization.values() if isinstance(value, str) and value.strip()]
        allowed_urls = {url_key(url) for url in ([payment_link] if payment_link else [])}
        for text in org_texts:
            allowed_urls.update(url_key(url) for url, _, _ in find_urls(text))
        allowed_emails = {email.lower() for text in _strings(facts) for email, _, _ in find_emails(text)}

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
            total_overdue=total_overdue,
            values=values,
            invoice_values=invoice_values,
            invoice_numbers=[number for number, item in items.items() if item.kind != "coming_due"],
            coming_numbers=[number for number, item in items.items() if item.kind == "coming_due"],
            items=items,
            general_dates=set(date_roles),
            date_roles=date_roles,
            days=days,
            oldest_days=oldest,
            reply_by=parse_iso_date(facts.get("reply_by")),
            has_previous_emails=bool(previous),
            # A payment may be said to be received or applied only when the facts carry one as a credit.
            has_payment_credit=any(
                str(entry.get("kind") or entry.get("type") or "").lower() in ("payment", "unapplied_payment")
                for entry in facts.get("credits") or []
                if isinstance(entry, dict)
            ),
            allowed_urls=allowed_urls,
            allowed_emails=allowed_emails,
            trusted_texts=trusted,
            contact_names=contact_names,
            locale=str(organization.get("locale") or "").strip(),
            own_names=[
                text
                for text in (account.get("name"), organization.get("name"), organization.get("sender_name"), *names)
                if isinstance(text, str) and text.strip()
            ],
        )

    def summary(self) -> str:
        """``invoices: 4,820.00, -450.00; total due 4,370.00`` for failure messages."""
        shown = [format_amount(value) for value in self.invoice_values[:LIST_CAP]]
        if len(self.invoice_values) > LIST_CAP:
            shown.append("…")
        parts = [f"invoices: {', '.join(shown) if shown else 'none'}"]
        if self.total_due is not None:
            parts.append(f"total due {format_amount(self.total_due)}")
        return "; ".join(parts)


def _item(entry: dict, kind: str) -> Item | None:
    number = str(entry.get("invoice_no") or "").strip()
    if not number:
        return None
    values = frozenset(value for key in ("amount", "outstanding") if (value := to_decimal(entry.get(key))) is not None)
    outstanding = to_decimal(entry.get("outstanding"))
    if kind == "overdue" and outstanding is not None and outstanding < 0:
        kind = "credit"  # facts written before credits had their own list kept them among the invoices
    return Item(
        number=number,
        kind=kind,
        values=values,
        invoice_date=parse_iso_date(entry.get("invoice_date")),
        due_date=parse_iso_date(entry.get("due_date")),
        days_overdue=_int(entry.get("days_overdue")),
    )


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
