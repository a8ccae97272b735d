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


@dataclass
class Ledger:
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
    def from_facts(cls, facts: object) -> Ledger:
        facts = facts_dict(facts)
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
        shown = [format_amount(value) for value in self.invoice_values[:LIST_CAP]]
        if len(self.invoice_values) > LIST_CAP:
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
