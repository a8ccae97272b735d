"""Every sent email names its draft in its Reply-To address and Message-ID, signed so nobody can forge another."""

import pytest

from escalation.delivery.services import draft_send
from escalation.models import EmailDraft
from escalation.tests.test_sending_through_ses import _queued_draft
from replies.addresses import (
    draft_id_from_addresses,
    draft_id_from_message_ids,
    draft_message_id,
    draft_reply_address,
)


@pytest.fixture
def ses(fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    settings.INBOUND_DOMAIN = "replies.riverbend.example"
    return fake_ses


@pytest.mark.django_db
def test_the_sent_email_carries_a_reply_address_and_message_id_of_its_draft(organization, ses):
    draft = draft_send(draft_id=_queued_draft(organization).pk)
    assert draft.status == EmailDraft.Status.SENT
    (message,) = ses.sent_messages()
    reply_address = draft_reply_address(draft_id=draft.pk)
    assert reply_address.startswith(f"reply+{draft.pk}-") and reply_address.endswith("@replies.riverbend.example")
    assert message.reply_to == [reply_address, "dana@example.com"]  # the organization's reply-to keeps a copy
    assert message.header("Message-ID") == draft_message_id(draft_id=draft.pk)
    assert draft_id_from_addresses(message.reply_to) == draft.pk
    assert draft_id_from_message_ids(message.header("Message-ID")) == draft.pk


def test_a_reply_address_survives_a_change_of_case_but_not_a_changed_id(settings):
    settings.INBOUND_DOMAIN = "replies.example.com"
    address = draft_reply_address(draft_id=41)
    assert draft_id_from_addresses([f"Riverbend AR <{address.upper()}>"]) == 41
    forged = address.replace("reply+41-", "reply+42-")
    assert draft_id_from_addresses([forged]) is None
    assert draft_id_from_message_ids(draft_message_id(draft_id=41).replace("fw-41-", "fw-42-")) is None
    # A reply address is not a Message-ID: each purpose has its own salt.
    signature = address.split("-", 1)[1].split("@")[0]
    assert draft_id_from_message_ids(f"<fw-41-{signature}@replies.example.com>") is None


def test_an_old_secret_key_still_verifies_after_rotation(settings):
    settings.INBOUND_DOMAIN = "replies.example.com"
    address = draft_reply_address(draft_id=7)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert draft_id_from_addresses([address]) == 7


def test_without_an_inbound_domain_there_is_no_reply_address(settings):
    settings.INBOUND_DOMAIN = ""
    assert draft_reply_address(draft_id=7) == ""
