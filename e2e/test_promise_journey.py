"""A promise to pay holds the email that is already drafted: the collector records it on the account page, opens
the draft and sees it cancelled, with the promise as the reason, and nothing is sent."""

import datetime
import re

import pytest

from accounts.models import Account
from escalation.models import EmailDraft
from escalation.services import escalation_run_start
from invoices.models import ImportBatch

from .conftest import BROWSER_MISSING, KNOWN, Exports, Visit, expect, import_file, log_in_with_keyboard

if BROWSER_MISSING:
    pytest.skip(BROWSER_MISSING, allow_module_level=True)


def test_a_promise_recorded_on_the_account_page_holds_the_drafted_email(
    visit: Visit, collector_user, harbor_lane, exports: Exports, mailoutbox
):
    import_file(harbor_lane, collector_user, exports.aging, ImportBatch.Kind.AGING)
    import_file(harbor_lane, collector_user, exports.contacts, ImportBatch.Kind.CONTACTS)
    escalation_run_start(organization=harbor_lane, actor=collector_user)  # the emails are drafted and in review
    account = Account.objects.get(organization=harbor_lane, account_name="Halvorsen Marine Supply")
    draft = EmailDraft.objects.get(account=account)
    assert draft.status == EmailDraft.Status.NEEDS_REVIEW

    page = visit.page
    log_in_with_keyboard(visit, collector_user.username)
    page.goto(f"/accounts/{account.pk}/")
    visit.arrived("Halvorsen Marine Supply", known=KNOWN["account"])
    promised = exports.as_of + datetime.timedelta(days=16)
    page.get_by_label("Promised date").fill(promised.isoformat())
    page.get_by_label("Amount").fill("4470.00")
    page.get_by_role("button", name="Record promise to pay").click()
    visit.arrived("Halvorsen Marine Supply", "20-promise-recorded", known=KNOWN["account"])
    expect(page.locator("ul.promises")).to_contain_text("Open")

    # The draft written before the promise: its page says it is held, and why.
    page.goto(f"/escalation/drafts/{draft.pk}/")
    visit.arrived(re.compile(r"^Draft #\d+ to Halvorsen Marine Supply$"), "21-draft-held-by-promise")
    status = page.locator("main p[role=status]")
    expect(status).to_contain_text("Cancelled")
    expect(status).to_contain_text(f"Promise to pay $4,470.00 until {promised:%b} {promised.day}, {promised.year}")
    expect(page.get_by_role("button", name="Approve and send")).to_have_count(0)
    assert mailoutbox == []
    visit.finish()
