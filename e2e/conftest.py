"""Real-browser fixtures: Debian's Chromium, driven by Playwright's sync API, against pytest-django's live server.

The tests skip themselves when /usr/bin/chromium or the playwright package is missing (BROWSER_MISSING), so
``make test`` passes on a machine without them; CI installs both (.ci/install-browser, requirements-browser.txt).
"""

import csv
import datetime
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import MembershipFactory, OrganizationFactory
from escalation.tests.ledger import active_templates
from invoices.import_services import import_batch_confirm, import_batch_create
from invoices.models import ImportBatch

CHROMIUM = Path("/usr/bin/chromium")
try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # the test modules skip themselves on BROWSER_MISSING; nothing below is used then
    Page = expect = sync_playwright = None

# Why the browser tests cannot run here (None: they can). Each test module of this folder starts with
# ``if BROWSER_MISSING: pytest.skip(BROWSER_MISSING, allow_module_level=True)``: a skip raised by this conftest
# itself would abort the whole pytest run instead (pytest loads it before collecting anything).
if not CHROMIUM.exists():
    BROWSER_MISSING = f"browser tests need Debian's Chromium at {CHROMIUM}: run .ci/install-browser (as root)"
elif sync_playwright is None:
    BROWSER_MISSING = "browser tests need Playwright: .venv/bin/pip install -r requirements-browser.txt"
else:
    BROWSER_MISSING = None

# Without the background-networking flags Chromium keeps dialling out, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"  # the factories' password of every test user
FIXTURES = Path(__file__).parent / "fixtures"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the tests of this folder."""
    # Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses ORM calls from
    # a thread with a running loop. Here that is safe (the test thread only waits on the browser between its
    # queries), so allow it while the browser is up, and put the setting back afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Run in the page: the references of labels and aria-describedby that point at no element.
_BROKEN_REFERENCES_JS = """() => [
  ...[...document.querySelectorAll('label[for]')].filter(l => !document.getElementById(l.htmlFor))
     .map(l => `label for="${l.htmlFor}"`),
  ...[...document.querySelectorAll('[aria-describedby]')].flatMap(e => e.getAttribute('aria-describedby')
     .split(/\\s+/).filter(id => id && !document.getElementById(id)).map(id => `#${e.id} aria-describedby="${id}"`)),
]"""


class Visit:
    """A browser tab as a person uses it, and what it saw.

    Every page the tab lands on is recorded. ``arrived()`` checks the page shown (one <h1> with the expected
    text, a short plain <title>, labels and descriptions that point at real elements) and may save a full-page
    screenshot. ``finish()`` fails the test when a page was never checked, a request failed (HTTP 4xx/5xx) or a
    script raised or logged an error.
    """

    def __init__(self, page: Page):
        self.page = page
        self.landed: list[str] = []
        self.checked: set[str] = set()
        self.problems: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))
        page.on("console", self._console)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.landed.append(frame.url)

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def _console(self, message) -> None:
        if message.type == "error" and "favicon.ico" not in (message.location or {}).get("url", ""):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def arrived(
        self, heading: str | re.Pattern, screenshot: str | None = None, *, known: dict[str, str] | None = None
    ) -> None:
        """Check the page now shown; ``heading``: the text of its one <h1>.

        ``screenshot``: save the full page as test-artifacts/screenshots/NAME.png. ``known``: {check: reason} for
        a problem of this page that is known and reported ("title", "references"); it is then a warning in the
        run's summary instead of a failure, and the warning stops by itself once the page is fixed.
        """
        page = self.page
        page.wait_for_load_state("load")
        expect(page.locator("h1").first).to_be_visible()
        expect(page.get_by_role("heading", level=1).filter(has_text=heading)).to_have_count(1)
        found = {}
        title = page.title()
        if not (title.endswith("Fineman West") and len(title) <= 120 and "<" not in title):
            found["title"] = f"the <title> is not a short page name: {title[:200]!r}"
        broken = page.evaluate(_BROKEN_REFERENCES_JS)
        if broken:
            found["references"] = f"labels or descriptions point at no element: {broken}"
        for check, problem in found.items():
            reason = (known or {}).get(check)
            assert reason, f"{page.url}: {problem}"
            warnings.warn(f"known problem ({reason}) on {page.url}: {problem[:160]}", stacklevel=2)
        self.checked.add(page.url)
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{screenshot}.png", full_page=True)

    def finish(self) -> None:
        unchecked = [url for url in self.landed if url not in self.checked]
        assert not unchecked, f"pages visited but never checked for an <h1>: {unchecked}"
        assert not self.problems, "\n".join(self.problems)


def _visit(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, locale="en-US", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield Visit(context.new_page())
    finally:
        context.close()


@pytest.fixture
def visit(browser, live_server) -> Visit:
    """A fresh browser context (no cookies) on the live server, 1280 px wide."""
    yield from _visit(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_visit(browser, live_server) -> Visit:
    """The same on a phone: 375 x 812 CSS pixels (an iPhone's), touch, honouring the page's meta viewport."""
    yield from _visit(
        browser, live_server, viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )  # fmt: skip


# Problems of the pages that are reported and not fixed yet: they show as warnings in the run's summary instead of
# failing, and stop showing once fixed (then delete the entry).
KNOWN = {
    # templates/accounts/account_detail.html does not close {% block title %} after the account name, so the
    # <title> (the browser tab, the history, what a screen reader announces first) holds half the page's source.
    # Its merge form renders the help text as a <small> without an id, while Django's widget points
    # aria-describedby at "id_target_helptext".
    "account": {
        "title": "account_detail.html: {% block title %} not closed",
        "references": "account_detail.html: merge help text has no id_target_helptext id",
    },
    # templates/invoices/import_upload.html renders help texts as <small id="id_file_help">, while Django's
    # widgets point aria-describedby at "id_file_helptext": screen readers never read the help.
    "upload": {"references": "import_upload.html: help text ids are <field>_help, widgets expect _helptext"},
    # accounts.auth_backends.RolePermissionBackend has no has_module_perms(), so the back office's index and
    # sidebar list nothing for a member ("You don't have permission to view or edit anything.").
    "back office index": "the back office index lists no model for members (RolePermissionBackend.has_module_perms)",
}


def log_in_with_keyboard(
    visit: Visit, username: str, screenshot: str | None = None, home_screenshot: str | None = None
) -> None:
    """Log in as a keyboard user: the username field has the focus, Tab to the password, Enter to submit."""
    page = visit.page
    page.goto("/login/")
    visit.arrived("Log in", screenshot)
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/login/"))  # LOGIN_REDIRECT_URL: the home page, whatever it shows
    visit.arrived(re.compile(r"\S"), home_screenshot)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("header")).to_contain_text(username)


# --------------------------------------------------------------------------------------------------------------
# The organization, its people, and its QuickBooks exports as of today


@pytest.fixture
def harbor_lane(transactional_db):
    """The organization whose receivables are collected, with the five standard templates active."""
    organization = OrganizationFactory(name="Harbor Lane Supply Co.", slug="harbor-lane")
    active_templates(organization)
    return organization


@pytest.fixture
def collector_user(harbor_lane):
    return MembershipFactory(organization=harbor_lane, role=Role.COLLECTOR, user__username="jamie.collector").user


@pytest.fixture
def ar_admin_user(harbor_lane):
    return MembershipFactory(organization=harbor_lane, role=Role.AR_ADMIN, user__username="morgan.aradmin").user


@dataclass
class Exports:
    """The QuickBooks Online exports of e2e/fixtures/, with their dates made relative to ``as_of``."""

    as_of: datetime.date
    aging: Path
    contacts: Path
    section_totals: dict[str, Decimal] = field(default_factory=dict)  # "Total for <section>" open balances
    grand_total: Decimal = Decimal(0)  # the TOTAL row's open balance


def _money(cell: str) -> Decimal:
    return Decimal(cell.replace("$", "").replace(",", ""))


def render_export(name: str, as_of: datetime.date) -> str:
    """A fixture export with its placeholders filled in: {AS_OF}, {PRINTED}, {D-45} (MM/DD/YYYY, 45 days before)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    text = re.sub(
        r"\{D([+-]\d+)\}", lambda m: (as_of + datetime.timedelta(days=int(m.group(1)))).strftime("%m/%d/%Y"), text
    )
    text = text.replace("{AS_OF}", f"{as_of:%B} {as_of.day}, {as_of.year}")
    return text.replace("{PRINTED}", f"{as_of:%A, %B} {as_of.day}, {as_of.year} 09:15 AM GMT-05:00")


@pytest.fixture
def exports(tmp_path) -> Exports:
    """Today's A/R Aging Detail and Customer Contact List, as QuickBooks Online names and writes them."""
    as_of = timezone.localdate()  # the date "Who is due" counts from (datetime.date.today() in the server's zone)
    folder = tmp_path / "downloads"
    folder.mkdir()
    aging = folder / "Harbor Lane Supply Co_A_R Aging Detail.csv"
    contacts = folder / "Harbor Lane Supply Co_Customer Contact List.csv"
    aging_text = render_export("qbo_ar_aging_detail.csv", as_of)
    aging.write_text(aging_text, encoding="utf-8")
    contacts.write_text(render_export("qbo_customer_contact_list.csv", as_of), encoding="utf-8")
    found = Exports(as_of=as_of, aging=aging, contacts=contacts)
    for row in csv.reader(io.StringIO(aging_text)):
        if row and row[0].startswith("Total for "):
            found.section_totals[row[0].removeprefix("Total for ")] = _money(row[-1])
        elif row and row[0] == "TOTAL":
            found.grand_total = _money(row[-1])
    assert found.grand_total and len(found.section_totals) == 5, "the aging fixture lost its total rows"
    return found


def import_file(organization, user, path, kind) -> None:
    """Import an export through the import services (preview, then confirm), as a test's starting ledger."""
    batch = import_batch_create(organization=organization, uploaded_by=user, file=ContentFile(path.read_bytes()),
                                file_name=path.name, kind=kind)  # fmt: skip
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.issues
    assert import_batch_confirm(batch=batch, actor=user).status == ImportBatch.Status.COMPLETED
