"""Health endpoints answer without a login, in JSON, with 200 when healthy and 503 when not."""

from unittest import mock

import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_process_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_database_health_runs_a_real_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/db")
    assert response.status_code == 200
    assert response.json()["database"] in {"sqlite", "postgresql"}


def test_database_health_is_503_when_the_database_is_down(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/health/db")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_ai_health_reports_offline_mode_without_a_key(client, settings):
    settings.ANTHROPIC_API_KEY, settings.AI_MODE = "", "offline"
    body = client.get("/health/ai").json()
    assert body == {"status": "ok", "mode": "offline", "api_key_configured": False, "model": None}


def test_ai_health_reports_claude_and_the_model_without_revealing_the_key(client, settings):
    settings.ANTHROPIC_API_KEY, settings.AI_MODE = "sk-ant-test-123", "claude"
    response = client.get("/health/ai")
    assert response.json() == {
        "status": "ok",
        "mode": "claude",
        "api_key_configured": True,
        "model": "claude-sonnet-5-5",
    }
    assert b"sk-ant" not in response.content


def test_email_health_names_the_backend(client, settings):
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.AWS_SES_REGION_NAME = "eu-west-1"
    assert client.get("/health/email").json() == {
        "status": "ok",
        "backend": "django_ses.SESBackend",
        "delivers": True,
        "region": "eu-west-1",
    }


def test_health_answers_only_get(client):
    assert client.post("/health").status_code == 405
