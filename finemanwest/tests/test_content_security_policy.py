"""The Content-Security-Policy: every page sends it, and no page needs what it forbids (inline code without
the response's nonce, style="" attributes, on…= handlers), so nothing breaks in the browser under it."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

# Email bodies are read by mail clients, not browsers under our policy: they need inline styles.
NOT_PAGES = ("emails/",)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class _InlineCode(HTMLParser):
    """Collects what the policy would block: inline <script>/<style> without the nonce, style="", on…=."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce, self.blocked = nonce, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = tag in ("script", "style") and not (tag == "script" and "src" in attributes)
        if inline and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.blocked.append(f"inline <{tag}> without the nonce")
        self.blocked += [f"<{tag} {name}=…>" for name in attributes if name == "style" or name.startswith("on")]
        if (attributes.get("href") or "").strip().lower().startswith("javascript:"):
            self.blocked.append(f"<{tag} href=javascript:…>")


def _blocked(response) -> list[str]:
    nonces = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    parser = _InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    return parser.blocked


def test_pages_send_a_strict_policy(client, client_for, collector):
    for response in (client.get(reverse("login")), client_for(collector).get(reverse("home"))):
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def _page_urls(account) -> list[str]:
    return [
        reverse(name)
        for name in (
            "home",
            "account-list",
            "import-list",
            "import-upload",
            "due",
            "run-list",
            "review-queue",
            "template-versions",
            "api-token-list",
            "password_change",
            "api-docs",
        )
    ] + [reverse("account-detail", args=[account.pk])]


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    urls.append(reverse("admin:accounts_account_export"))
    urls.append(reverse("admin:accounts_account_import"))
    return urls


def test_no_page_needs_inline_code_the_policy_blocks(client, client_for, ar_admin, superuser, organization):
    account = AccountFactory(organization=organization)
    for public in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        assert _blocked(client.get(reverse(public))) == [], public
    rendered = 0
    for user, urls in ((ar_admin, _page_urls(account)), (superuser, _admin_urls())):
        for url in urls:
            response = client_for(user).get(url)
            if response.status_code == 403:  # an admin page nobody may add to (audit events): nothing rendered
                continue
            assert response.status_code == 200, url
            assert "Content-Security-Policy" in response, url
            assert _blocked(response) == [], url
            rendered += 1
    assert rendered > 25


def test_swagger_ui_starts_from_a_script_file_not_an_inline_one(client_for, viewer):
    client = client_for(viewer)
    page = client.get(reverse("api-docs"))
    assert _blocked(page) == []
    start_script = re.search(r'<script src="([^"]*script=[^"]*)"', page.content.decode()).group(1)
    script = client.get(start_script.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def _template_files():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            if not path.relative_to(root).as_posix().startswith(NOT_PAGES):
                yield path


def test_our_templates_hold_no_inline_code_without_a_nonce():
    nonce = 'nonce="{{ request.csp_nonce }}"'
    files = list(_template_files())
    assert len(files) > 15
    for path in files:
        text = path.read_text()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            assert "src=" in tag or nonce in tag, f"{path}: {tag}"
        assert not re.search(r"\sstyle\s*=", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path
