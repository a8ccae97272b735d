"""Which draft and account a received email answers: the signed reply address first, then the thread headers
(our Message-ID, or the one SES gave the email it sent), then the sender's address among the contacts.

The sender's address is only trusted when SES says the message passed SPF or DKIM: a From header costs nothing to
forge, and a forged one must not file a stranger's words on a customer's account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts.models import Account, Contact, Organization
from escalation.models import EmailDraft

from .addresses import draft_id_from_addresses, draft_id_from_message_ids
from .models import InboundMessage
from .parsing import ParsedMail

M = InboundMessage.MatchedBy
# SES replaces our Message-ID with <its message id>@<region>.amazonses.com; replies quote that one.
_SES_MESSAGE_ID = re.compile(r"<([\w.-]{1,200})@[\w.-]*amazonses\.com>", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    matched_by: str
    organization: Organization | None = None
    account: Account | None = None
    draft: EmailDraft | None = None
    contact: Contact | None = None


def _of_draft(draft: EmailDraft | None, how: str, sender: str) -> Match | None:
    if draft is None:
        return None
    contact = draft.account.contacts.filter(email__iexact=sender).first() if sender else None
    return Match(how, draft.account.organization, draft.account, draft, contact or draft.contact)


def _drafts():
    return EmailDraft.objects.select_related("account__organization", "contact")


def _by_thread(parsed: ParsedMail) -> EmailDraft | None:
    headers = f"{parsed.in_reply_to} {parsed.references}"
    draft_id = draft_id_from_message_ids(headers)
    if draft_id is not None:
        return _drafts().filter(pk=draft_id).first()
    ses_ids = [match.group(1) for match in _SES_MESSAGE_ID.finditer(headers)]
    if ses_ids:  # the latest one first: In-Reply-To, then References from the end
        for ses_id in reversed(ses_ids[1:] + ses_ids[:1]):
            draft = _drafts().filter(ses_message_id=ses_id).first()
            if draft is not None:
                return draft
    return None


def _by_sender(parsed: ParsedMail, authenticated: bool) -> Match | None:
    if not parsed.sender or not authenticated:
        return None
    contacts = list(Contact.objects.filter(email__iexact=parsed.sender).select_related("account__organization"))
    organizations = {contact.account.organization_id for contact in contacts}
    if len(organizations) != 1:
        return None  # nobody, or the same address at customers of two organizations: a person decides
    accounts = {contact.account_id for contact in contacts}
    contact = contacts[0]
    if len(accounts) > 1:  # one organization, several of its accounts: the organization's unmatched list
        return Match(M.NONE, contact.account.organization)
    last = _drafts().filter(account=contact.account).exclude(sent_at=None).order_by("-sent_at").first()
    return Match(M.SENDER, contact.account.organization, contact.account, last, contact)


def inbound_match(*, parsed: ParsedMail, envelope_recipients: list[str], authenticated: bool) -> Match:
    draft_id = draft_id_from_addresses([*envelope_recipients, *parsed.recipients])
    if draft_id is not None:
        found = _of_draft(_drafts().filter(pk=draft_id).first(), M.REPLY_ADDRESS, parsed.sender)
        if found:
            return found
    found = _of_draft(_by_thread(parsed), M.THREAD, parsed.sender)
    if found:
        return found
    return _by_sender(parsed, authenticated) or Match(M.NONE)
