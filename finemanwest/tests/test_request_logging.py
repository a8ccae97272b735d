"""Each request is logged once with its request id; JSON in production; no personal data in any line."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.http import HttpResponse

from finemanwest.logging import RequestIdMiddleware, build_logging_config, redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Route our loggers through the production JSON configuration into a buffer."""
    stream = io.StringIO()
    config = build_logging_config(json_lines=True, level="INFO")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


def test_request_id_is_taken_from_the_header_and_echoed(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


def test_request_id_is_generated_when_missing_or_unsafe(client):
    generated = client.get("/health")["X-Request-ID"]
    assert len(generated) == 32
    unsafe = client.get("/health", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert "<" not in unsafe and len(unsafe) == 32


def test_each_request_is_one_json_line_with_its_id_user_path_status_and_duration(client_for, collector, json_log):
    client_for(collector).get("/accounts/?q=maria@northwind.example", HTTP_X_REQUEST_ID="req-42")
    lines = [line for line in json_log() if line["logger"] == "finemanwest.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-42"
    assert line["user_id"] == str(collector.pk)
    assert (line["method"], line["path"], line["status"]) == ("GET", "/accounts/", 200)
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and "timestamp" in line
    assert "northwind" not in json.dumps(line)  # the query string is never logged


def test_lines_logged_while_handling_a_request_carry_its_id(rf, json_log):
    def view(request):
        logging.getLogger("finemanwest.test").warning("working")
        return HttpResponse()

    RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="req-7"))
    logging.getLogger("finemanwest.test").warning("after")
    assert [(line["message"], line["request_id"]) for line in json_log()] == [("working", "req-7"), ("after", "-")]


@pytest.mark.parametrize(
    "message, leaked",
    [
        ("sent to maria.anders@northwind.example", "maria.anders"),
        ("call (503) 555-0142 or +44 20 7946 0321", "555-0142"),
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "9944b091"),
        ("key sk-ant-api03-abcdefghijklmnop", "abcdefghijklmnop"),
        ("password=hunter2", "hunter2"),
    ],
)
def test_personal_data_and_secrets_are_masked(message, leaked):
    assert leaked not in redact(message)


def test_dates_amounts_and_invoice_numbers_stay_readable():
    message = "INV-24017 dated 2025-02-28 owes 14,277.15 since 2024-10-03"
    assert redact(message) == message


def test_masking_applies_to_real_log_lines(json_log):
    logging.getLogger("finemanwest.test").info("bounce from %s", "ellen@saltmarsh.example")
    (line,) = json_log()
    assert line["message"] == "bounce from [email]"


def test_extra_fields_are_masked_too(json_log):
    notification = {"mail": {"destination": ["ellen@saltmarsh.example"]}, "bounce": {"bounceType": "Permanent"}}
    logging.getLogger("django_ses").info("Received bounce notification", extra={"notification": notification})
    (line,) = json_log()
    assert "saltmarsh" not in json.dumps(line) and "[email]" in line["notification"]
