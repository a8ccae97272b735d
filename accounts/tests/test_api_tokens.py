"""API tokens: created and revoked by their user (settings page) or an AR admin (back office), stored hashed,
refused once revoked, and rate-limited one token at a time."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEvent, Role
from accounts.services import api_token_create, api_token_revoke
from accounts.tests.factories import AccountFactory, MembershipFactory

ACCOUNTS = reverse("api:account-list")


def _api(secret: str, keyword: str = "Token") -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
    return api


def test_a_token_works_as_its_user_and_only_its_digest_is_stored(collector, organization):
    AccountFactory(organization=organization, account_name="Acme Paper")
    token, secret = api_token_create(user=collector, name="NetSuite sync")

    response = _api(secret).get(ACCOUNTS)

    assert response.status_code == 200
    assert [row["account_name"] for row in response.json()["results"]] == ["Acme Paper"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert secret not in stored and secret[8:] not in stored
    assert token.key_hint == secret[:8]
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()


def test_bearer_is_accepted_as_well_as_token(collector):
    _, secret = api_token_create(user=collector, name="Zapier")
    assert _api(secret, keyword="Bearer").get(ACCOUNTS).status_code == 200


def test_a_revoked_or_unknown_token_is_refused_with_a_401(collector):
    token, secret = api_token_create(user=collector, name="Old sync")
    api_token_revoke(token=token, actor=collector)

    for attempt in (secret, secret + "x", "fw_not-a-token"):
        response = _api(attempt).get(ACCOUNTS)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"


def test_a_tokens_last_use_is_recorded(collector):
    token, secret = api_token_create(user=collector, name="Sync")
    assert token.last_used_at is None
    _api(secret).get(ACCOUNTS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_needs_a_name(collector):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="name"):
        api_token_create(user=collector, name="  ")


# --- Settings page ---------------------------------------------------------------------------------


def test_the_settings_page_shows_a_new_secret_once_and_it_works(client_for, viewer):
    page = client_for(viewer)
    created = page.post(reverse("api-token-list"), {"name": "Reporting"})

    assert created.status_code == 201
    secret = created.context["new_secret"]
    assert secret.startswith("fw_") and secret in created.content.decode()
    assert _api(secret).get(ACCOUNTS).status_code == 200  # a viewer's token reads
    assert _api(secret).post(ACCOUNTS, {"client_id": "X", "account_name": "X"}).status_code == 403

    listed = page.get(reverse("api-token-list")).content.decode()
    assert "Reporting" in listed and secret[:8] in listed
    assert secret not in listed


def test_revoking_on_the_settings_page_stops_the_token(client_for, collector):
    token, secret = api_token_create(user=collector, name="Old sync")

    response = client_for(collector).post(reverse("api-token-revoke", args=[token.pk]), follow=True)

    assert "revoked" in response.content.decode()
    assert _api(secret).get(ACCOUNTS).status_code == 401


def test_nobody_revokes_someone_elses_token_on_the_settings_page(client_for, collector, organization):
    colleague = MembershipFactory(organization=organization, role=Role.COLLECTOR).user
    token, secret = api_token_create(user=colleague, name="Theirs")

    response = client_for(collector).post(reverse("api-token-revoke", args=[token.pk]))

    assert response.status_code == 404
    assert _api(secret).get(ACCOUNTS).status_code == 200


# --- Back office -------------------------------------------------------------------------------------


def test_an_ar_admin_creates_a_token_for_a_colleague_in_the_back_office(client_for, ar_admin, collector):
    response = client_for(ar_admin).post(
        reverse("admin:accounts_apitoken_add"), {"user": collector.pk, "name": "Warehouse system"}
    )

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (collector, "Warehouse system")
    assert _api(secret).get(ACCOUNTS).status_code == 200


def test_an_ar_admin_revokes_tokens_of_their_organization_only(client_for, ar_admin, collector, other_organization):
    ours, our_secret = api_token_create(user=collector, name="Ours")
    stranger = MembershipFactory(organization=other_organization, role=Role.COLLECTOR).user
    theirs, their_secret = api_token_create(user=stranger, name="Theirs")
    admin_page = client_for(ar_admin)

    listed = admin_page.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "Ours" in listed and "Theirs" not in listed
    admin_page.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [ours.pk, theirs.pk]},
    )

    assert _api(our_secret).get(ACCOUNTS).status_code == 401
    assert _api(their_secret).get(ACCOUNTS).status_code == 200


def test_a_collector_cannot_manage_tokens_in_the_back_office(client_for, collector):
    assert client_for(collector).get(reverse("admin:accounts_apitoken_changelist")).status_code == 403


# --- Throttling ------------------------------------------------------------------------------------------


def test_each_token_has_its_own_rate_limit(settings, collector):
    settings.API_THROTTLE_RATE = "3/min"
    _, busy = api_token_create(user=collector, name="Busy sync")
    _, other = api_token_create(user=collector, name="Other sync")

    statuses = [_api(busy).get(ACCOUNTS).status_code for _ in range(4)]
    throttled = _api(busy).get(ACCOUNTS)

    assert statuses == [200, 200, 200, 429]
    error = throttled.json()["error"]
    assert error["code"] == "throttled" and error["details"]["retry_after_seconds"] > 0
    assert int(throttled.headers["Retry-After"]) > 0
    assert _api(other).get(ACCOUNTS).status_code == 200  # another integration is not slowed down


def test_an_operator_creates_a_token_from_the_command_line(collector):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token_create", collector.username, name="Nightly export", stdout=out)

    secret = out.getvalue().strip()
    assert ApiToken.objects.get().name == "Nightly export"
    assert _api(secret).get(ACCOUNTS).status_code == 200
