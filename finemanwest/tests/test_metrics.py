"""/metrics: what Prometheus scrapes, who may scrape it, and what the gauges read from the database say."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from devtools.fake_ses import SESFault
from escalation.delivery.services import draft_send
from escalation.models import EmailDraft
from escalation.tests.test_sending_through_ses import _queued_draft
from finemanwest.metrics import external_call
from finemanwest.tasks import worker_ping_task

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


def scrape(client, **headers) -> dict[str, list]:
    """Series name -> samples [(labels, value)] of one authorised scrape."""
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    series: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            series.setdefault(sample.name, []).append((sample.labels, sample.value))
    return series


def value(series, name, **labels) -> float:
    return sum(v for got, v in series.get(name, []) if labels.items() <= got.items())


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def test_without_a_token_or_network_configured_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, client_for, superuser):
    assert client.get(reverse("metrics")).status_code == 403
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer not-it").status_code == 403
    assert client_for(superuser).get(reverse("metrics")).status_code == 403  # a login is not a scraper


def test_an_allowed_network_needs_no_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="192.168.1.9").status_code == 403


def test_requests_are_counted_and_timed_by_route_and_status(client, collector):
    before = scrape(client)
    client.get("/api/accounts/")  # no credentials: 401
    client.force_login(collector)
    client.get(reverse("account-list"))
    after = scrape(client)

    name = "finemanwest_http_request_duration_seconds_count"
    for labels in ({"view": "account-list", "status": "200"}, {"view": "api:account-list", "status": "401"}):
        assert value(after, name, **labels) == value(before, name, **labels) + 1, labels
    assert value(after, "finemanwest_http_request_duration_seconds_bucket", view="account-list", le="+Inf") >= 1
    assert value(after, "finemanwest_db_query_duration_seconds_count") > value(
        before, "finemanwest_db_query_duration_seconds_count"
    )


def test_gauges_from_the_database_follow_drafts_and_imports(client, organization, fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    draft_send(draft_id=_queued_draft(organization).pk)
    series = scrape(client)

    assert value(series, "finemanwest_database_up") == 1
    assert value(series, "finemanwest_drafts", state="sent") == 1
    assert value(series, "finemanwest_drafts", state="queued") == 0  # present at zero, for the alerts
    assert {labels["outcome"] for labels, _ in series["finemanwest_imports"]} >= {"completed", "failed"}
    sent_at = EmailDraft.objects.get().sent_at.timestamp()
    assert value(series, "finemanwest_email_last_sent_timestamp_seconds") == pytest.approx(sent_at)


def test_ses_calls_are_timed_and_their_errors_counted(client, organization, fake_ses, settings):
    fake_ses.apply(settings, max_attempts=1, read_timeout=2)
    before = scrape(client)
    fake_ses.enqueue(SESFault.throttling())
    draft = _queued_draft(organization)
    with pytest.raises(Exception):  # noqa: B017 (the send task's retry signal; its class is not the point)
        draft_send(draft_id=draft.pk, final_attempt=False)
    draft_send(draft_id=draft.pk)
    after = scrape(client)

    calls = "finemanwest_external_call_duration_seconds_count"
    assert value(after, calls, service="ses", operation="send") == value(before, calls, service="ses") + 2
    errors = "finemanwest_external_call_errors_total"
    assert value(after, errors, service="ses") == value(before, errors, service="ses") + 1
    assert value(after, errors, service="ses", error="TooManyRequestsException") >= 1  # botocore's class
    assert ("claude", "messages") in {(s["service"], s["operation"]) for s, _ in after[calls]}  # at zero


def test_external_call_re_raises_and_counts_by_error_class():
    with pytest.raises(TimeoutError), external_call("claude", "messages"):
        raise TimeoutError("no answer")
    from finemanwest.metrics import EXTERNAL_CALL_ERRORS

    labels = {"service": "claude", "operation": "messages", "error": "TimeoutError"}
    assert EXTERNAL_CALL_ERRORS.labels(**labels)._value.get() >= 1


def test_celery_task_outcomes_are_counted(client):
    before = scrape(client)
    worker_ping_task.delay()
    after = scrape(client)
    name = "finemanwest_celery_tasks_total"
    task = "finemanwest.tasks.worker_ping_task"
    assert value(after, name, task=task, outcome="success") == value(before, name, task=task, outcome="success") + 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the broker's queue is read)")
def test_queue_depth_is_read_from_the_broker(client, settings):
    import redis

    queue = "metrics-test-queue"
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.METRICS_CELERY_QUEUES = [queue]
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete(queue)
    broker.lpush(queue, "a", "b", "c")
    try:
        series = scrape(client)
    finally:
        broker.delete(queue)
    assert value(series, "finemanwest_celery_queue_length", queue=queue) == 3
    assert value(series, "finemanwest_broker_up") == 1


def test_in_multiprocess_mode_the_scrape_adds_up_every_process(tmp_path):
    """gunicorn's workers each write their own files; one scrape must count them all."""
    code = "from finemanwest.metrics import external_call\nwith external_call('ses', 'send'): pass"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, check=True, timeout=60)  # noqa: S603
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    labels = {"service": "ses", "operation": "send"}
    assert registry.get_sample_value("finemanwest_external_call_duration_seconds_count", labels) == 2
