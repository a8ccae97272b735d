"""`make demo` puts sample replies in the inbox: read, matched (or not), and their accounts paused."""

import pytest

from accounts.demo import demo_data_load
from replies.models import InboundMessage

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_promise_a_dispute_a_payment_an_absence_and_an_unmatched_reply(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):  # the demo's own commits, inside the test's transaction
        demo_data_load()
    kinds = {reply.reading.get("kind") for reply in InboundMessage.objects.exclude(account=None)}
    assert kinds == {"promise_to_pay", "dispute", "already_paid", "out_of_office"}
    paid = InboundMessage.objects.get(reading__kind="already_paid")
    assert paid.reading["ledger"].endswith("matches.") and paid.account.escalation_paused
    assert InboundMessage.objects.filter(account=None).count() == 1
