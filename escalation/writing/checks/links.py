"""Links and email addresses: a URL must be the payment link or in the organization's own text; an email address
must appear in the facts (the contact's name fields do not count: they are untrusted)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .masking import blank

if TYPE_CHECKING:
    from .facts_view import Ledger

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_URL = re.compile(r"(?<![\w@.])(?:https?://|www\.)[^\s<>\"'`\x00]+", re.IGNORECASE)


def find_emails(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in _EMAIL.finditer(text):
        email = match.group(0).rstrip(".-")
        found.append((email, match.start(), match.start() + len(email)))
    return found


def find_urls(text: str) -> list[tuple[str, int, int]]:
    for _, start, end in find_emails(text):
        text = blank(text, start, end)
    found = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
            if url.endswith(close) and open_ not in url:
                url = url[:-1].rstrip(".,;:!?")
        found.append((url, match.start(), match.start() + len(url)))
    return found


def url_key(url: str) -> str:
    """The URL as compared: trailing slashes and periods ignored, scheme and host case-insensitive."""
    url = url.strip().rstrip("/.")
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}"


def _url_matches(url: str, allowed: set[str]) -> bool:
    key = url_key(url)
    if key in allowed:
        return True
    if "://" not in key:  # "www.example.com/pay" for "https://www.example.com/pay"
        return any(option.partition("://")[2] == key for option in allowed)
    return False


def check_links(text: str, ledger: Ledger, failures: dict) -> tuple[list[str], list[str]]:
    emails = find_emails(text)
    urls = find_urls(text)
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


def mask_links(text: str) -> str:
    for _, start, end in [*find_emails(text), *find_urls(text)]:
        text = blank(text, start, end)
    return text
