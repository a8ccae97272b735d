"""Prometheus metrics the code records as it runs (prometheus-client): requests, database queries, Celery
tasks and calls to other services. What is read from the database or the broker at scrape time is in
metrics_scrape.py, with the /metrics view.

Names start with ``finemanwest_``; labels stay few and bounded (a route's name, never a path or an id).
With PROMETHEUS_MULTIPROC_DIR set (gunicorn's several workers, Celery's prefork children), prometheus-client
writes every value to files in that directory and the scrape adds them up (see README, "Metrics").
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

# Buckets include 2 s, the latency alert's threshold, so its p95 is read at a bucket edge.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)
EXTERNAL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

HTTP_REQUEST_DURATION = Histogram(
    "finemanwest_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status code; its _count is the request count.",
    ["view", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
DB_QUERY_DURATION = Histogram(
    "finemanwest_db_query_duration_seconds",
    "Time of each database query, by connection alias.",
    ["alias"],
    buckets=QUERY_BUCKETS,
)
DB_QUERY_ERRORS = Counter(
    "finemanwest_db_query_errors_total", "Database queries that raised, by alias and error class.", ["alias", "error"]
)
CELERY_TASKS = Counter(
    "finemanwest_celery_tasks_total",
    "Celery tasks by name and outcome (success, failure, retry, revoked).",
    ["task", "outcome"],
)
EXTERNAL_CALL_DURATION = Histogram(
    "finemanwest_external_call_duration_seconds",
    "Time of calls to other services (SES, Claude), by service and operation, failed ones included.",
    ["service", "operation"],
    buckets=EXTERNAL_BUCKETS,
)
EXTERNAL_CALL_ERRORS = Counter(
    "finemanwest_external_call_errors_total",
    "Calls to other services that raised, by service, operation and error class.",
    ["service", "operation", "error"],
)

# The calls the alerts watch exist from the start at zero, so rate() has a series before the first call.
KNOWN_EXTERNAL_CALLS = (("ses", "send"), ("claude", "messages"))
for _service, _operation in KNOWN_EXTERNAL_CALLS:
    EXTERNAL_CALL_DURATION.labels(service=_service, operation=_operation)


@contextmanager
def external_call(service: str, operation: str) -> Iterator[None]:
    """Wrap one call to another service: its latency goes to a histogram, and an exception (re-raised
    untouched) to the error counter under its class name.

        with external_call("ses", "send"):
            connection.send_messages([message])
    """
    started = time.perf_counter()
    try:
        yield
    except BaseException as exc:
        EXTERNAL_CALL_ERRORS.labels(service=service, operation=operation, error=type(exc).__name__).inc()
        raise
    finally:
        EXTERNAL_CALL_DURATION.labels(service=service, operation=operation).observe(time.perf_counter() - started)


class MetricsMiddleware:
    """Times every request (first in the chain, so the time includes the other middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        status = 500  # an exception that escapes every handler becomes Django's 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or match._func_path) if match else "<unmatched>"
            HTTP_REQUEST_DURATION.labels(view=view, method=_method(request.method), status=str(status)).observe(
                time.perf_counter() - started
            )


def _method(method: str | None) -> str:
    known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    return method if method in known else "other"  # a client's made-up method must not grow the labels


def _timed_query(alias: str):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            DB_QUERY_ERRORS.labels(alias=alias, error=type(exc).__name__).inc()
            raise
        finally:
            DB_QUERY_DURATION.labels(alias=alias).observe(time.perf_counter() - started)

    return wrapper


def instrument_connection(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: every query of the new connection is timed, in web and worker alike."""
    connection.execute_wrappers.append(_timed_query(connection.alias))


def _task_name(sender=None, request=None, **kwargs) -> str:
    name = getattr(sender, "name", None) or getattr(getattr(request, "task", None), "name", None)
    return name or str(getattr(request, "task", "") or "unknown")


def task_succeeded(sender=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="success").inc()


def task_failed(sender=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


def task_retried(sender=None, request=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender, request), outcome="retry").inc()


def task_revoked(sender=None, request=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender, request), outcome="revoked").inc()


def start_worker_exporter(**kwargs) -> None:
    """``worker_init`` receiver: a Celery worker has no web server, so with METRICS_WORKER_PORT set it serves
    its own task and query metrics there (its prefork children's too, through PROMETHEUS_MULTIPROC_DIR).
    No token on that port: keep it on the internal network."""
    port = os.environ.get("METRICS_WORKER_PORT")
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), addr=os.environ.get("METRICS_WORKER_ADDR", "0.0.0.0"), registry=registry)  # noqa: S104


def connect_signals() -> None:
    """Called once from the app's ready(): database queries and Celery task outcomes start being counted."""
    from celery import signals as celery_signals
    from django.db.backends.signals import connection_created

    connection_created.connect(instrument_connection, dispatch_uid="finemanwest-metrics-db")
    celery_signals.task_success.connect(task_succeeded, dispatch_uid="finemanwest-metrics-success", weak=False)
    celery_signals.task_failure.connect(task_failed, dispatch_uid="finemanwest-metrics-failure", weak=False)
    celery_signals.task_retry.connect(task_retried, dispatch_uid="finemanwest-metrics-retry", weak=False)
    celery_signals.task_revoked.connect(task_revoked, dispatch_uid="finemanwest-metrics-revoked", weak=False)
    celery_signals.worker_init.connect(start_worker_exporter, dispatch_uid="finemanwest-metrics-worker", weak=False)
