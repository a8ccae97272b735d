"""Every main page works under the strict Content-Security-Policy (finemanwest/settings/hardening.py): the
collector's pages, the admin and the API docs load with no CSP violation, no console error, no failed request,
and their scripts run (the review queue's bulk selection, Swagger UI drawing the operations, the admin's
sidebar). Screenshots go to test-artifacts/screenshots/csp-*.png.

A violation is caught twice over: Chromium logs every blocked script, style or image as a console error, and
each page reports ``securitypolicyviolation`` events, which a script the test adds to every page turns into
console errors too (``csp violation: <directive> <blocked URI>``)."""

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.factories import UserFactory
from escalation.models import EmailDraft
from escalation.services import escalation_run_start
from invoices.models import ImportBatch

from .conftest import (
    BROWSER_MISSING,
    KNOWN,
    PASSWORD,
    SCREENSHOTS,
    Exports,
    Visit,
    expect,
    import_file,
    log_in_with_keyboard,
)

if BROWSER_MISSING:
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

REPORT_VIOLATIONS_JS = """document.addEventListener('securitypolicyviolation', e =>
  console.error(`csp violation: ${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture
def csp_visit(visit: Visit) -> Visit:
    visit.page.context.add_init_script(REPORT_VIOLATIONS_JS)
    return visit


@pytest.fixture
def ledger(ar_admin_user, exports: Exports, django_capture_on_commit_callbacks):
    organization = ar_admin_user.membership.organization
    import_file(organization, ar_admin_user, exports.aging, ImportBatch.Kind.AGING)
    import_file(organization, ar_admin_user, exports.contacts, ImportBatch.Kind.CONTACTS)
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=organization, actor=ar_admin_user)
    return organization


def _screenshot(visit: Visit, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=SCREENSHOTS / f"csp-{name}.png", full_page=True)
    visit.checked.add(visit.page.url)  # a page of Django's admin or of Swagger UI: not ours to hold to our <h1>


def test_the_main_pages_run_under_the_content_security_policy(csp_visit: Visit, ar_admin_user, ledger):
    page = csp_visit.page
    log_in_with_keyboard(csp_visit, ar_admin_user.username, screenshot="csp-login", home_screenshot="csp-home")
    policy = page.evaluate("() => fetch('/').then(response => response.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy  # enforced, and strict
    account = Account.objects.get(organization=ledger, account_name="Halvorsen Marine Supply")
    draft = EmailDraft.objects.filter(account__organization=ledger).first()
    batch = ImportBatch.objects.filter(organization=ledger).first()
    pages = [
        ("accounts", reverse("account-list"), "Accounts", {}),
        ("account", reverse("account-detail", args=[account.pk]), "Halvorsen Marine Supply", KNOWN["account"]),
        ("review", reverse("review-queue"), "Drafts to review", {}),
        ("draft", reverse("draft-detail", args=[draft.pk]), draft.account.account_name, {}),
        ("upload", reverse("import-upload"), "Upload an aging report", KNOWN["upload"]),
        ("import", reverse("import-detail", args=[batch.pk]), batch.file_name, {}),
    ]
    for name, url, heading, known in pages:
        page.goto(url)
        csp_visit.arrived(heading, f"csp-{name}", known=known)

    page.goto(reverse("review-queue"))  # a script of ours runs: "select all" ticks every draft
    select_all = page.get_by_label("Select all")
    if select_all.count():
        select_all.check()
        expect(page.locator("input[name=drafts]:checked").first).to_be_checked()

    page.goto(reverse("api-docs"))  # Swagger UI: its script and styles from our static files, with the nonce
    expect(page.locator(".opblock").first).to_be_visible()
    _screenshot(csp_visit, "api-docs")
    csp_visit.finish()


def test_the_admin_runs_under_the_content_security_policy(csp_visit: Visit, harbor_lane):
    admin = UserFactory(username="riley.admin", is_staff=True, is_superuser=True)
    page = csp_visit.page
    page.goto(reverse("admin:login"))
    _screenshot(csp_visit, "admin-login")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(reverse("admin:index"))
    expect(page.locator("#content-main .module").first).to_be_visible()
    _screenshot(csp_visit, "admin")
    for name, url in [("admin-accounts", reverse("admin:accounts_account_changelist")),
                      ("admin-drafts", reverse("admin:escalation_emaildraft_changelist"))]:  # fmt: skip
        page.goto(url)
        expect(page.locator("#changelist")).to_be_visible()
        _screenshot(csp_visit, name)
    csp_visit.finish()


def test_a_blocked_inline_script_is_noticed(csp_visit: Visit, harbor_lane):
    """The check above can fail: an inline script without the nonce is refused, and the refusal is seen."""
    page = csp_visit.page
    page.goto("/login/")
    csp_visit.arrived("Log in")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                  " document.head.appendChild(s); }")  # fmt: skip
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("() => window.ran") is None  # blocked
    assert any("csp violation: script-src-elem" in problem for problem in csp_visit.problems), csp_visit.problems
    assert any("violates the following Content Security Policy" in problem for problem in csp_visit.problems), (
        csp_visit.problems
    )
