"""The collector's main pages on a 375 px phone: nothing wider than the screen, and a visible keyboard focus.

Wide tables may scroll sideways inside their own box; the page itself must not. Screenshots of every page go to
test-artifacts/screenshots/phone-*.png.
"""

import re

import pytest
from django.urls import reverse

from accounts.models import Account
from escalation.models import EmailDraft
from escalation.services import escalation_run_start
from invoices.models import ImportBatch

from .conftest import BROWSER_MISSING, KNOWN, Exports, Visit, expect, import_file, log_in_with_keyboard

if BROWSER_MISSING:
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

PHONE_WIDTH = 375

# Run in the page: how wide the page scrolls, and the elements that stick out past the right edge of the screen
# (the ones inside a box that scrolls sideways on its own do not count: only that box scrolls).
_OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scrollsOnItsOwn = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX) && p.scrollWidth > p.clientWidth) return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrollsOnItsOwn(e))
    .map(e => `${name(e)} (right edge ${Math.round(e.getBoundingClientRect().right)})`);
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 8)};
}"""

# Run in the page: how the element that has the keyboard focus shows it.
_FOCUS_JS = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || e.name || '').trim().slice(0, 40),
          focusVisible: e.matches(':focus-visible'), outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth), boxShadow: style.boxShadow};
}"""


def _fits_the_screen(visit: Visit, name: str) -> None:
    found = visit.page.evaluate(_OVERFLOW_JS)
    # A phone browser zooms out to fit a page that is too wide, widening the window instead of scrolling it.
    assert found["innerWidth"] == PHONE_WIDTH, f"{name} is too wide: the phone zoomed out to {found['innerWidth']} px"
    assert found["scrollWidth"] <= found["innerWidth"], f"{name} scrolls sideways on a phone: {found}"


@pytest.fixture
def ledger(collector_user, exports: Exports, django_capture_on_commit_callbacks):
    """Today's QuickBooks exports imported, and a run's drafts waiting for review."""
    organization = collector_user.membership.organization
    import_file(organization, collector_user, exports.aging, ImportBatch.Kind.AGING)
    import_file(organization, collector_user, exports.contacts, ImportBatch.Kind.CONTACTS)
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, actor=collector_user)
    assert EmailDraft.objects.filter(status=EmailDraft.Status.NEEDS_REVIEW).count() == 5  # the queue has rows
    return organization


def test_the_main_pages_fit_a_phone_screen(phone_visit: Visit, collector_user, ledger):
    page = phone_visit.page
    log_in_with_keyboard(phone_visit, collector_user.username, screenshot="phone-login")
    account = Account.objects.get(organization=ledger, account_name="Halvorsen Marine Supply")
    pages = [
        ("dashboard", reverse("home"), "Receivables at a glance", {}),
        ("accounts", reverse("account-list") + "?sort=outstanding", "Accounts", {}),
        ("account", reverse("account-detail", args=[account.pk]), "Halvorsen Marine Supply", KNOWN["account"]),
        ("review", reverse("review-queue"), "Drafts to review", {}),
        ("upload", reverse("import-upload"), "Upload an aging report", KNOWN["upload"]),
    ]
    for name, url, heading, known in pages:
        page.goto(url)
        phone_visit.arrived(heading, f"phone-{name}", known=known)
        _fits_the_screen(phone_visit, name)
    phone_visit.finish()


def test_the_keyboard_focus_is_always_visible(phone_visit: Visit, collector_user, ledger):
    page = phone_visit.page
    log_in_with_keyboard(phone_visit, collector_user.username)
    page.goto(reverse("account-list"))
    phone_visit.arrived("Accounts")
    seen = []
    for _ in range(25):  # the skip link, the navigation, the filters, the first accounts
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS_JS)
        seen.append(f"{focus['tag']} {focus['text']!r}")
        assert focus["focusVisible"], f"the focus on {seen[-1]} does not count as visible"
        assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, f"no outline on {seen[-1]}: {focus}"
    assert any(re.match(r"(select|input|button) ", item) for item in seen), seen  # it reached the filters
    expect(page.locator(":focus")).to_be_in_viewport()
    phone_visit.finish()
