"""A received email, read with the standard ``email`` package: headers, the text and HTML parts, the new text
without the quoted history (``mail-parser-reply``), and the attachments with their names."""

from __future__ import annotations

import datetime
import email
import email.policy
import email.utils
import html as html_lib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage

from django.utils.html import strip_tags
from django.utils.text import get_valid_filename
from mailparser_reply import EmailReplyParser

# The languages whose "On ... wrote:" and signature lines are recognised.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]
TEXT_MAX = 200_000


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: str
    references: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    date: datetime.datetime | None
    text: str
    html: str
    reply_text: str
    attachments: list[Attachment] = field(default_factory=list)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name, "")
    except (ValueError, IndexError, TypeError):  # a header the parser cannot read: keep its raw text
        value = message.get_all(name, failobj=[""])[0] if hasattr(message, "get_all") else ""
    return " ".join(str(value or "").split())


def _addresses(message: EmailMessage, *names: str) -> list[str]:
    values = [_header(message, name) for name in names]
    return [address.lower() for _, address in email.utils.getaddresses(values) if "@" in address]


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, KeyError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def html_as_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>", "\n", markup)
    markup = re.sub(r"(?is)<blockquote\b.*?</blockquote>", "\n", markup)  # quoted history in HTML clients
    text = html_lib.unescape(strip_tags(markup))
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t\xa0]+", " ", text)).strip()


def strip_quoted(text: str) -> str:
    """The reply's own text: without "On ... wrote:" and what follows, quoted lines and the signature."""
    if not text.strip():
        return ""
    try:
        latest = EmailReplyParser(languages=REPLY_LANGUAGES).read(text).latest_reply or ""
    except Exception:  # the parser is heuristics on untrusted text: never lose a reply over it
        latest = text
    lines = [line for line in latest.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip() or text.strip()


def _filename(part, number: int) -> str:
    name = part.get_filename() or ""
    name = get_valid_filename(name.replace("\\", "/").rsplit("/", 1)[-1]) if name.strip() else ""
    return (name or f"attachment-{number}")[:200]


def mail_parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    html = _content(html_part) if html_part is not None else ""
    text = _content(body) if body is not None else html_as_text(html)
    attachments = []
    for part in message.walk():
        if part.is_multipart() or part is body or part is html_part:
            continue
        if part.get_content_disposition() in ("attachment", "inline") or part.get_filename():
            payload = part.get_payload(decode=True) or b""
            attachments.append(Attachment(_filename(part, len(attachments) + 1), part.get_content_type(), payload))
    names = email.utils.getaddresses([_header(message, "From")])
    sender_name, sender = names[0] if names else ("", "")
    try:
        date = email.utils.parsedate_to_datetime(_header(message, "Date")) if _header(message, "Date") else None
    except (TypeError, ValueError):
        date = None
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=datetime.UTC)
    return ParsedMail(
        message_id=_header(message, "Message-ID")[:500],
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        sender=sender.lower()[:254] if "@" in sender else "",
        sender_name=sender_name[:200],
        recipients=_addresses(message, "To", "Cc", "Delivered-To"),
        subject=_header(message, "Subject")[:500],
        date=date,
        text=text[:TEXT_MAX],
        html=html[:TEXT_MAX],
        reply_text=strip_quoted(text)[:TEXT_MAX],
        attachments=attachments,
    )
