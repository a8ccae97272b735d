"""The collector's new pages in a real browser, at 1280 px and on a 375 px phone: the worklist's order and bulk
actions, the account summary, the approve messages, the templates page, and inviting a colleague up to their first
login. No page may scroll sideways; wide tables scroll inside their own box. Screenshots: test-artifacts/screenshots/.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account
from escalation.models import EmailDraft, PromiseToPay
from invoices.models import ImportBatch

from .conftest import BROWSER_MISSING, PASSWORD, Exports, Visit, expect, import_file, log_in_with_keyboard

if BROWSER_MISSING:
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

# Run in the page: whether the page scrolls sideways, and which tables do not fit their box.
_WIDTHS_JS = """() => ({
  innerWidth: window.innerWidth, scrollWidth: document.scrollingElement.scrollWidth,
  clippedTables: [...document.querySelectorAll('main table')].filter(t => t.scrollWidth > t.clientWidth + 1)
    .map(t => (t.querySelector('caption') || t.querySelector('th') || t).textContent.trim().slice(0, 40)),
})"""


def _no_sideways_scroll(visit: Visit, name: str, *, tables_fit: bool = False) -> None:
    found = visit.page.evaluate(_WIDTHS_JS)
    assert found["scrollWidth"] <= found["innerWidth"], f"{name} scrolls sideways: {found}"
    if tables_fit:
        assert not found["clippedTables"], f"{name}: tables wider than the page at {found['innerWidth']} px: {found}"


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


@pytest.fixture
def ledger(collector_user, exports: Exports):
    organization = collector_user.membership.organization
    import_file(organization, collector_user, exports.aging, ImportBatch.Kind.AGING)
    import_file(organization, collector_user, exports.contacts, ImportBatch.Kind.CONTACTS)
    # Pinecrest promised to pay two days ago and has not: it tops the worklist however small its balance.
    pinecrest = Account.objects.get(organization=organization, account_name="Pinecrest Veterinary Clinic")
    PromiseToPay.objects.create(organization=organization, account=pinecrest, amount=Decimal("100"),
                                promised_date=exports.as_of - datetime.timedelta(days=2))  # fmt: skip
    return organization


@pytest.mark.parametrize("width", [1280, 375])
def test_the_worklist_ranks_and_its_bulk_actions_say_what_they_did(request, width, collector_user, ledger):
    visit: Visit = request.getfixturevalue("visit" if width == 1280 else "phone_visit")
    page = visit.page
    log_in_with_keyboard(visit, collector_user.username)
    visit.arrived("Today's worklist", f"worklist-{width}")  # a collector's first page after logging in
    _no_sideways_scroll(visit, "worklist", tables_fit=width == 1280)
    rows = page.locator("table.worklist").first.locator("tbody tr")
    names = [row.locator("td").nth(1).locator("a").inner_text() for row in rows.all()]
    assert names[0] == "Pinecrest Veterinary Clinic", names  # the broken promise first
    expect(rows.first).to_contain_text("Broken")
    overdue = [_amount(row.locator("td").nth(2).inner_text()) for row in rows.all()[1:]]
    assert overdue == sorted(overdue, reverse=True), overdue  # then the largest overdue balances

    page.get_by_role("button", name="Pause the ticked accounts").click()
    visit.arrived("Today's worklist")
    expect(page.locator("ul.messages li.warning")).to_have_text(re.compile("No account was ticked"))

    page.get_by_label(f"Tick {names[1]}").check()
    page.get_by_label(f"Tick {names[2]}").check()
    page.get_by_role("button", name="Draft now for the ticked accounts").click()
    visit.arrived("Today's worklist", f"worklist-drafted-{width}")
    expect(page.locator("ul.messages li.success")).to_contain_text("2 emails drafted")
    assert set(EmailDraft.objects.values_list("account__account_name", flat=True)) == {names[1], names[2]}

    page.get_by_label(f"Tick {names[3]}").check()
    page.get_by_role("button", name="Pause the ticked accounts").click()
    visit.arrived("Today's worklist")
    expect(page.locator("ul.messages li.success")).to_have_text("Escalation paused for 1 account.")
    expect(page.locator("section, main").get_by_role("table").last).to_contain_text(names[3])  # now held
    visit.finish()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_account_summary_says_where_it_stands(request, width, collector_user, ledger, exports: Exports):
    visit: Visit = request.getfixturevalue("visit" if width == 1280 else "phone_visit")
    page = visit.page
    log_in_with_keyboard(visit, collector_user.username)
    account = Account.objects.get(organization=ledger, account_name="Halvorsen Marine Supply")
    page.goto(reverse("account-detail", args=[account.pk]))
    visit.arrived("Halvorsen Marine Supply", f"account-summary-{width}")
    summary = page.get_by_role("region", name="Where the account stands")
    expect(summary).to_contain_text("Overdue")
    expect(summary).to_contain_text("Level 1 email at the next run (due now)")
    expect(summary.locator("dt:text-is('Escalation') + dd")).to_have_text("Active")
    _no_sideways_scroll(visit, "account page", tables_fit=width == 1280)
    expect(page.get_by_role("button", name="Mark disputed").first).to_be_visible() if width == 1280 else None

    promised = exports.as_of + datetime.timedelta(days=10)
    page.get_by_label("Promised date").fill(promised.isoformat())
    page.get_by_label("Amount").fill("500")
    page.get_by_role("button", name="Record promise to pay").click()
    visit.arrived("Halvorsen Marine Supply")
    day = f"{promised:%b} {promised.day}, {promised.year}"
    expect(page.locator("ul.messages")).to_contain_text(f"no emails until {day}")
    expect(summary.locator("dt:text-is('Escalation') + dd")).to_have_text(f"Held: Promise to pay $500.00 until {day}")
    visit.finish()


def test_approving_nothing_is_a_warning(visit: Visit, collector_user, ledger):
    page = visit.page
    log_in_with_keyboard(visit, collector_user.username)
    page.get_by_role("button", name="Draft now for the ticked accounts").wait_for()
    page.locator("table.worklist input[type=checkbox]").first.check()
    page.get_by_role("button", name="Draft now for the ticked accounts").click()
    visit.arrived("Today's worklist")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Review")).click()
    visit.arrived("Drafts to review", "review-queue")
    page.get_by_role("button", name="Approve the selected drafts").click()
    visit.arrived("Drafts to review")
    expect(page.locator("ul.messages li.warning")).to_have_text(
        "No draft was ticked: tick the drafts to approve first."
    )
    page.locator("main table input[type=checkbox]:not([disabled])").first.check()
    page.get_by_role("button", name="Approve the selected drafts").click()
    visit.arrived("Drafts to review")
    expect(page.locator("ul.messages li.success")).to_have_text("1 draft approved and queued for sending.")
    visit.finish()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_templates_page_diffs_previews_and_activates(request, width, ar_admin_user, ledger):
    visit: Visit = request.getfixturevalue("visit" if width == 1280 else "phone_visit")
    page = visit.page
    log_in_with_keyboard(visit, ar_admin_user.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    visit.arrived("Email templates")
    page.get_by_role("link", name="firm-reminder").click()
    visit.arrived("Template firm-reminder")
    expect(page.locator(".email")).to_contain_text("Subject:")  # a preview with a real account
    page.get_by_label("Tone").fill("firm but fair")
    page.get_by_role("button", name="Save the new version").click()
    visit.arrived("Template firm-reminder", f"templates-{width}")
    expect(page.locator("ul.messages")).to_have_text(
        "firm-reminder v2 written, not active: v1 is still the active one."
    )
    expect(page.locator("pre.diff").first).to_contain_text("+Tone: firm but fair")
    _no_sideways_scroll(visit, "templates page")
    page.get_by_role("button", name="Activate v2").click()
    visit.arrived("Template firm-reminder")
    expect(page.locator("ul.messages")).to_have_text(
        "firm-reminder v2 is now active (instead of v1): new emails use it."
    )
    visit.finish()


@pytest.mark.parametrize("width", [1280, 375])
def test_an_ar_admin_invites_a_colleague_who_logs_in(request, width, ar_admin_user, ledger, mailoutbox, browser,
                                                    live_server):  # fmt: skip
    visit: Visit = request.getfixturevalue("visit" if width == 1280 else "phone_visit")
    page = visit.page
    log_in_with_keyboard(visit, ar_admin_user.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    visit.arrived("People of")
    page.get_by_label("Email address").fill("sam.new@harbor-lane.example")
    page.get_by_label("First name").fill("Sam")
    page.get_by_role("button", name="Send the invitation").click()
    visit.arrived("People of", f"people-{width}")
    expect(page.locator("ul.messages")).to_contain_text("Invitation sent to sam.new@harbor-lane.example, as Collector")
    expect(page.locator("main table")).to_contain_text("Invited, no password yet")
    _no_sideways_scroll(visit, "people page")

    (invitation,) = mailoutbox
    link = re.search(r"https?://\S+", invitation.body).group(0)
    page.get_by_role("button", name="Log out").click()
    page.goto(link)
    visit.arrived(re.compile("password", re.I))
    page.locator("#id_new_password1").fill(PASSWORD + " for Sam")
    page.locator("#id_new_password2").fill(PASSWORD + " for Sam")
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    visit.arrived(re.compile(r"\S"))
    page.goto(reverse("login"))
    visit.arrived("Log in")
    page.get_by_label("Username").fill("sam.new@harbor-lane.example")
    page.get_by_label("Password").fill(PASSWORD + " for Sam")
    page.get_by_label("Password").press("Enter")
    visit.arrived("Today's worklist", f"first-login-{width}")  # a collector's first page
    _no_sideways_scroll(visit, "first login")
    visit.finish()
