"""The replies API: the inbox as JSON, and the same one-click actions, documented in the schema."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation.models import PromiseToPay
from escalation.tests.ledger import owing_account
from replies.models import InboundMessage
from replies.reading import inbound_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(organization):
    account = owing_account(organization, days_overdue=40, name="Northwind Traders")
    text = "We will pay next week."
    reply = InboundMessage.objects.create(organization=organization, account=account, notification_id="n-1",
                                          sender="ap@northwind.example", subject="Re: overdue", text=text,
                                          reply_text=text)  # fmt: skip
    return inbound_read(inbound_id=reply.pk)


def test_the_inbox_and_a_promise_through_the_api(reply, collector, api_client_for):
    api = api_client_for(collector)
    listed = api.get(reverse("api:reply-list"), {"status": "open"}).json()
    (item,) = listed["results"]
    assert item["reading"]["kind"] == "promise_to_pay" and item["account"] == reply.account_id
    promised = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    answer = api.post(reverse("api:reply-record-promise", args=[reply.pk]),
                      {"promised_date": promised, "amount": "1000.00"}, format="json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["status"] == "answered"
    assert PromiseToPay.objects.get().recorded_by == collector
    again = api.post(reverse("api:reply-mark-answered", args=[reply.pk]), {}, format="json")
    assert again.status_code == 409 and "answered already" in str(again.json())  # the state, not the body


def test_a_viewer_cannot_act_and_another_organization_cannot_see(reply, viewer, other_organization, api_client_for):
    from accounts.models import Role
    from accounts.tests.factories import MembershipFactory

    assert api_client_for(viewer).post(reverse("api:reply-mark-answered", args=[reply.pk]), {}).status_code == 403
    stranger = MembershipFactory(organization=other_organization, role=Role.AR_ADMIN).user
    assert api_client_for(stranger).get(reverse("api:reply-detail", args=[reply.pk])).status_code == 404


def test_the_schema_documents_the_replies_and_their_actions(client, collector):
    client.force_login(collector)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    actions = ["record-promise", "open-dispute", "replace-contact", "mark-answered", "assign"]
    for path in ["/api/replies/", *(f"/api/replies/{{id}}/{name}/" for name in actions)]:
        assert path in schema["paths"], path
