"""Every API error has one shape – {"error": {"code", "message", "details"}} – whatever raised it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import AccountFactory


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


def test_no_token_is_a_401(db):
    assert _error(APIClient().get(reverse("api:account-list")), 401)["code"] == "not_authenticated"


def test_a_role_without_the_permission_is_a_403(api_client_for, viewer):
    response = api_client_for(viewer).post(reverse("api:account-list"), {"client_id": "C1", "account_name": "Acme"})
    assert _error(response, 403)["code"] == "permission_denied"


def test_an_unknown_object_and_an_unknown_url_are_404s(api_client_for, collector):
    api = api_client_for(collector)
    assert _error(api.get(reverse("api:account-detail", args=[999999])), 404)["code"] == "not_found"
    assert _error(api.get("/api/no-such-thing/"), 404)["code"] == "not_found"
    assert _error(api.get("/api/accounts/not-a-number/"), 404)["code"] == "not_found"


def test_a_method_the_endpoint_lacks_is_a_405(api_client_for, ar_admin, organization):
    account = AccountFactory(organization=organization)
    response = api_client_for(ar_admin).delete(reverse("api:account-detail", args=[account.pk]))
    assert _error(response, 405)["code"] == "method_not_allowed"


def test_a_body_it_cannot_read_is_a_415_or_a_parse_error(api_client_for, ar_admin):
    api = api_client_for(ar_admin)
    url = reverse("api:account-list")
    assert _error(api.post(url, "<xml/>", content_type="application/xml"), 415)["code"] == "unsupported_media_type"
    assert _error(api.post(url, "{not json", content_type="application/json"), 400)["code"] == "parse_error"


def test_field_errors_name_each_field_in_details(api_client_for, ar_admin):
    response = api_client_for(ar_admin).post(
        reverse("api:account-list"), {"client_id": "", "account_name": "Acme", "currency": "XYZ"}, format="json"
    )
    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert set(error["details"]) >= {"client_id", "currency"}
    assert error["message"].split(":")[0] in {"client_id", "currency"}


def test_a_rule_broken_inside_a_service_is_a_400_in_the_same_shape(api_client_for, collector, organization):
    account = AccountFactory(organization=organization)
    response = api_client_for(collector).post(
        reverse("api:note-list"), {"account": account.pk, "text": "   "}, format="json"
    )
    error = _error(response, 400)
    assert error["code"] == "invalid" and error["details"]


@pytest.mark.parametrize("path", ["/api/accounts/", "/api/invoices/"])
def test_a_bug_is_a_json_500_under_the_api(api_client_for, collector, monkeypatch, path):
    from rest_framework import viewsets

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(viewsets.ModelViewSet, "list", broken, raising=False)
    monkeypatch.setattr(viewsets.ReadOnlyModelViewSet, "list", broken, raising=False)
    api = api_client_for(collector)
    api.raise_request_exception = False

    assert _error(api.get(path), 500)["code"] == "server_error"


def test_a_request_django_refuses_before_the_api_is_a_json_400(api_client_for, collector, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    api = api_client_for(collector)
    api.raise_request_exception = False
    query = "&".join(f"account={n}" for n in range(50))  # the API reads JSON bodies only: fields in the URL

    response = api.get(f"{reverse('api:draft-list')}?{query}")

    assert _error(response, 400)["code"] == "bad_request"
