"""Which draft a reply answers: each sent draft's Reply-To address and Message-ID carry its id, signed.

``reply+<draft id>-<signature>@<INBOUND_DOMAIN>``: the signature is an HMAC of Django's secret key (with the
fallback keys accepted, as ``django.core.signing`` does) salted per purpose, so a reply address cannot be used as a
Message-ID or the other way round, and nobody can write an address that points at another draft. It is lower-case
hex, not base64: mail systems and people are free to change the case of a local part, and hex survives that.

Both are derived from the draft id, not stored: a retried send carries the same ones, and nothing is written between
"sending" and SES's answer. SES replaces our Message-ID with its own (``<ses id>@<region>.amazonses.com``), so a
reply's In-Reply-To is matched against the SES id stored on the draft as well (``replies.matching``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail.utils import DNS_NAME
from django.utils.crypto import constant_time_compare, salted_hmac

REPLY_SALT = "finemanwest.replies.reply-to"
MESSAGE_ID_SALT = "finemanwest.replies.message-id"
_SIGNATURE_LENGTH = 24  # 96 bits of HMAC-SHA256
_REPLY = re.compile(r"(?<![\w.+-])reply\+(\d{1,18})-([0-9a-f]{24})@", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<fw-(\d{1,18})-([0-9a-f]{24})@[^>\s]+>", re.IGNORECASE)


def _signature(salt: str, value: str, secret: str | None = None) -> str:
    return salted_hmac(salt, value, secret=secret, algorithm="sha256").hexdigest()[:_SIGNATURE_LENGTH]


def _verified(salt: str, value: str, signature: str) -> bool:
    signature = signature.lower()
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_signature(salt, value, secret), signature) for secret in secrets)


def inbound_domain() -> str:
    return settings.INBOUND_DOMAIN.strip().lower()


def draft_reply_address(*, draft_id: int) -> str:
    """The address a reply to this draft goes to; empty when no inbound domain is configured."""
    if not inbound_domain():
        return ""
    return f"reply+{draft_id}-{_signature(REPLY_SALT, str(draft_id))}@{inbound_domain()}"


def draft_message_id(*, draft_id: int) -> str:
    domain = inbound_domain() or DNS_NAME.get_fqdn()
    return f"<fw-{draft_id}-{_signature(MESSAGE_ID_SALT, str(draft_id))}@{domain}>"


def draft_id_from_addresses(addresses: list[str]) -> int | None:
    """The draft named by a correctly signed reply address among ``addresses`` (To, Cc, SES recipients)."""
    for address in addresses:
        for match in _REPLY.finditer(address or ""):
            if _verified(REPLY_SALT, match.group(1), match.group(2)):
                return int(match.group(1))
    return None


def draft_id_from_message_ids(header: str) -> int | None:
    """The draft named by one of our own signed Message-IDs in an In-Reply-To or References header."""
    for match in _MESSAGE_ID.finditer(header or ""):
        if _verified(MESSAGE_ID_SALT, match.group(1), match.group(2)):
            return int(match.group(1))
    return None
