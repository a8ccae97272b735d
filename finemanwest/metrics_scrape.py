"""The /metrics endpoint: what the code recorded (metrics.py) plus gauges read at scrape time from the
database and the broker (drafts by state, imports by outcome, queue depth, last successful send, whether
the database answers). Only a scraper with the token (METRICS_TOKEN, as a bearer) or from an allowed
network (METRICS_ALLOWED_NETWORKS) gets it; with neither configured the endpoint does not exist (404).
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)


class StateCollector:
    """Gauges computed from the database and the broker on every scrape, so every web worker answers the
    same and nothing has to keep them up to date."""

    def collect(self) -> Iterator[Metric]:
        database_up = GaugeMetricFamily(
            "finemanwest_database_up", "1 when the database answered this scrape's queries, else 0."
        )
        try:
            yield from self._from_database()
            database_up.add_metric([], 1)
        except DatabaseError as exc:
            log.warning("metrics: the database did not answer: %s", type(exc).__name__)
            database_up.add_metric([], 0)
        yield database_up
        yield from self._from_broker()

    def _from_database(self) -> list[Metric]:
        from escalation.models import EmailDraft
        from invoices.models import ImportBatch

        connection.ensure_connection()
        drafts = GaugeMetricFamily("finemanwest_drafts", "Email drafts by state, all organizations.", labels=["state"])
        counted = dict(EmailDraft.objects.order_by().values_list("status").annotate(n=Count("id")))
        for state in EmailDraft.Status.values:  # every state, 0 included, so alerts can compare
            drafts.add_metric([state], counted.get(state, 0))
        imports = GaugeMetricFamily(
            "finemanwest_imports", "Import batches by outcome (their status), all organizations.", labels=["outcome"]
        )
        counted = dict(ImportBatch.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in ImportBatch.Status.values:
            imports.add_metric([status], counted.get(status, 0))
        last_sent = EmailDraft.objects.filter(status=EmailDraft.Status.SENT).aggregate(at=Max("sent_at"))["at"]
        sent = GaugeMetricFamily(
            "finemanwest_email_last_sent_timestamp_seconds",
            "When the last email was sent (Unix time; 0 if none ever was).",
        )
        sent.add_metric([], last_sent.timestamp() if last_sent else 0)
        return [drafts, imports, sent]

    def _from_broker(self) -> Iterator[Metric]:
        if not settings.REDIS_URL:
            return  # the embedded mode runs tasks in-process: there is no queue
        depth = GaugeMetricFamily(
            "finemanwest_celery_queue_length", "Tasks waiting in the broker, by queue.", labels=["queue"]
        )
        unacked = GaugeMetricFamily(
            "finemanwest_celery_tasks_unacknowledged", "Tasks a worker has taken but not yet acknowledged."
        )
        broker_up = GaugeMetricFamily("finemanwest_broker_up", "1 when the broker answered this scrape, else 0.")
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
            for queue in settings.METRICS_CELERY_QUEUES:
                # kombu keeps a queue's prioritised messages in sibling lists: "<queue>\x06\x16<priority>".
                names = [queue, *(f"{queue}\x06\x16{priority}" for priority in (3, 6, 9))]
                depth.add_metric([queue], sum(client.llen(name) for name in names))
            unacked.add_metric([], client.hlen("unacked"))
            broker_up.add_metric([], 1)
        except redis.RedisError as exc:
            log.warning("metrics: the broker did not answer: %s", type(exc).__name__)
            broker_up.add_metric([], 0)
            yield broker_up
            return
        yield from (depth, unacked, broker_up)


class _Combined:
    """One scrape: the recorded metrics (this process's, or every process's files) and the state gauges."""

    def __init__(self, recorded):
        self.recorded = recorded

    def collect(self) -> Iterator[Metric]:
        yield from self.recorded.collect()
        yield from StateCollector().collect()


def _recorded():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


@login_not_required  # scrapers have no session: the token or the network decides
def metrics_view(request):
    if not (settings.METRICS_TOKEN or settings.METRICS_ALLOWED_NETWORKS):
        raise Http404("Metrics are not configured.")
    if not _allowed(request):
        return HttpResponseForbidden("A metrics token or an allowed network is needed.")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Combined(_recorded()))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
