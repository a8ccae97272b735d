"""The collectors' inbox: a reply to a sent email pauses the account, is read, and one click records the promise;
every action is on the timeline; a viewer sees but cannot act; another organization sees nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from devtools import ses_inbound, sns_events
from escalation.delivery.services import draft_send
from escalation.models import PromiseToPay
from escalation.tests.test_sending_through_ses import _queued_draft
from replies.addresses import draft_reply_address
from replies.models import InboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(organization, fake_ses, settings, inbound, client, django_capture_on_commit_callbacks):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    draft = draft_send(draft_id=_queued_draft(organization).pk)
    promised = timezone.localdate() + datetime.timedelta(days=10)
    raw = ses_inbound.reply_mime(sender="ap@northwind.example", to=draft_reply_address(draft_id=draft.pk),
                                 subject="Re: Your account is past due",
                                 text=f"Hello, we will pay 1,000.00 on {promised.isoformat()}. Regards, Maria",
                                 in_reply_to=f"<{draft.ses_message_id}@email.amazonses.com>")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sns_events.post(client, reverse("ses-inbound"), ses_inbound.received_notification(raw, recipients=["x@y.z"]))
    return InboundMessage.objects.get()


def test_one_click_records_the_promise_from_the_reply_and_resumes(reply, collector, client_for):
    client = client_for(collector)
    inbox = client.get(reverse("reply-inbox"))
    assert b"Promise to pay" in inbox.content and b"Northwind Traders" in inbox.content
    assert b'aria-label="1 waiting"' in inbox.content  # the count in the navigation
    detail = client.get(reverse("reply-detail", args=[reply.pk])).content.decode()
    promised = reply.reading["date"]
    assert f'value="{promised}"' in detail and 'value="1000.00"' in detail  # the form is filled from the reading
    account_page = client.get(reverse("account-detail", args=[reply.account_id])).content.decode()
    assert "The customer replied – escalation waits for a collector." in account_page
    form = {"action": "promise", "promised_date": promised, "amount": "1000.00", "resume": "1"}
    response = client.post(reverse("reply-action", args=[reply.pk]), form)
    assert response.status_code == 302
    promise = PromiseToPay.objects.get()
    assert (promise.account_id, str(promise.amount)) == (reply.account_id, "1000.00")
    assert promise.promised_date.isoformat() == promised
    assert promise.recorded_by == collector
    reply.refresh_from_db()
    assert reply.status == InboundMessage.Status.ANSWERED and reply.answered_by == collector
    assert not Account.objects.get(pk=reply.account_id).escalation_paused
    page = client.get(reverse("account-detail", args=[reply.account_id])).content.decode()
    assert "Reply answered" in page and "Promise to pay recorded from the reply" in page and "Customer replied" in page
    # Answered once: a second click (another tab) changes nothing.
    client.post(reverse("reply-action", args=[reply.pk]), {"action": "answered"})
    assert PromiseToPay.objects.count() == 1


def test_a_viewer_reads_the_inbox_but_cannot_act(reply, viewer, client_for):
    client = client_for(viewer)
    assert client.get(reverse("reply-inbox")).status_code == 200
    assert b"Record promise" not in client.get(reverse("reply-detail", args=[reply.pk])).content
    assert client.post(reverse("reply-action", args=[reply.pk]), {"action": "answered"}).status_code == 403
    assert InboundMessage.objects.get().status == InboundMessage.Status.OPEN


def test_another_organization_never_sees_the_reply(reply, other_organization, client_for):
    from accounts.models import Role
    from accounts.tests.factories import MembershipFactory

    stranger = MembershipFactory(organization=other_organization, role=Role.AR_ADMIN).user
    client = client_for(stranger)
    assert b"Northwind" not in client.get(reverse("reply-inbox")).content
    assert client.get(reverse("reply-detail", args=[reply.pk])).status_code == 404
    assert client.post(reverse("reply-action", args=[reply.pk]), {"action": "answered"}).status_code == 404


def test_a_dispute_and_a_new_contact_from_replies(reply, collector, client_for):
    client = client_for(collector)
    invoice = reply.account.invoices.get()
    form = {"action": "dispute", "invoice": [invoice.invoice_no], "reason": "Goods damaged", "resume": "1"}
    client.post(reverse("reply-action", args=[reply.pk]), form)
    invoice.refresh_from_db()
    assert invoice.is_disputed
    assert not Account.objects.get(pk=reply.account_id).escalation_paused


def test_an_unmatched_reply_can_be_filed_on_an_account(organization, inbound, client, collector, client_for,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    from escalation.tests.ledger import owing_account

    account = owing_account(organization, days_overdue=40, name="Harbor Foods", email="ap@harbor.example")
    raw = ses_inbound.reply_mime(sender="unknown@nowhere.example", to="ar@replies.riverbend.example",
                                 subject="Payment", text="We already paid.")  # fmt: skip
    sns_events.post(client, reverse("ses-inbound"), ses_inbound.received_notification(raw, recipients=["x@y.z"]))
    reply = InboundMessage.objects.get()
    assert reply.organization is None  # not listed for any organization: the back office sees it
    reply.organization = organization  # as a superuser would route it
    reply.save()
    collector_client = client_for(collector)
    assert b"Payment" in collector_client.get(reverse("reply-inbox") + "?show=unmatched").content
    with django_capture_on_commit_callbacks(execute=True):
        collector_client.post(reverse("reply-action", args=[reply.pk]), {"action": "assign", "account": account.pk})
    reply.refresh_from_db()
    assert reply.account == account and reply.reading["kind"] == "already_paid"
    assert Account.objects.get(pk=account.pk).escalation_paused
