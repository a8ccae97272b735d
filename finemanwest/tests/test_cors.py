"""CORS: a browser app on an allowed origin may call the API with a token; other origins and pages get nothing."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

APP = "https://app.example.com"


def _preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_no_origin_is_allowed_by_default(client, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = _preflight(client, "/api/accounts/", APP)
    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_a_preflight_from_an_allowed_origin_is_answered_without_a_login(client):
    response = _preflight(client, "/api/accounts/", APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= set(response["Access-Control-Allow-Headers"].split(", "))
    assert "Access-Control-Allow-Credentials" not in response  # tokens, not our cookies


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_an_api_call_from_an_allowed_origin_may_be_read_by_it(api_client_for, collector):
    response = api_client_for(collector).get("/api/accounts/", HTTP_ORIGIN=APP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "X-Request-ID" in response["Access-Control-Expose-Headers"]


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_an_unknown_origin_gets_no_cors_headers(client, api_client_for, collector):
    evil = "https://evil.example.net"
    preflight = _preflight(client, "/api/accounts/", evil)
    assert not [name for name in preflight.headers if name.lower().startswith("access-control-")]
    call = api_client_for(collector).get("/api/accounts/", HTTP_ORIGIN=evil)
    assert "Access-Control-Allow-Origin" not in call


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_pages_outside_the_api_get_no_cors_headers(client):
    response = client.get("/login/", HTTP_ORIGIN=APP)
    assert "Access-Control-Allow-Origin" not in response
