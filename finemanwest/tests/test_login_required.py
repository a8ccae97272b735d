"""Every page and endpoint needs a login, except the health checks and the login page itself."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"/health", "/health/db", "/health/ai", "/health/email", "/login/", "/admin/login/"}
PUBLIC |= {"/password/reset/", "/password/reset/sent/", "/password/reset/done/"}  # a forgotten password
SIGNED = {"/ses/events/", "/ses/inbound/"}  # SNS posts there without a login; each signature is verified
OWN_GUARD = {"/metrics"}  # a scraper's token or network, tested in test_metrics.py


def _concrete_paths(resolver, prefix=""):
    """Every URL of the project that has no parameters, plus parameterised ones filled with 1."""
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
        if isinstance(entry, URLResolver):
            yield from _concrete_paths(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            path = prefix + pattern
            for token in (
                "<int:pk>",
                "<pk>",
                "<path:object_id>",
                "<int:user_id>",
                "<id>",
                "(?P<pk>[^/.]+)",
                "<path:app_label>",
                "<app_label>",
            ):
                path = path.replace(token, "1")
            if "<" in path or "(?P" in path or "(" in path:
                continue  # a converter we cannot fill meaningfully
            yield "/" + path.replace("(?P<format>[a-z0-9]+)/?", "").replace("\\", "")


def test_every_route_but_health_and_login_needs_a_login(client):
    paths = sorted(set(_concrete_paths(get_resolver())) - PUBLIC - SIGNED - OWN_GUARD)
    assert len(paths) > 20  # the walk found the project's routes
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code in (401, 403), path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith(("/login/", "/admin/login/")), path


def test_public_routes_answer_without_login(client):
    for path in PUBLIC:
        assert client.get(path).status_code == 200, path


def test_api_without_credentials_is_refused_in_json(client):
    response = client.get("/api/accounts/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_api_schema_and_docs_need_a_login(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)


def test_unsigned_ses_events_are_refused(client):
    response = client.post("/ses/events/", data='{"Type": "Notification", "Message": "{}"}',
                           content_type="application/json")  # fmt: skip
    assert response.status_code >= 400
