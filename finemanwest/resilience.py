"""What survives a database or broker that went away for a moment.

``DB_ERRORS`` and ``BROKER_ERRORS`` are what every task retries on. ``atomic_with_retries`` runs a short
transaction again on a fresh connection when the old one died (PostgreSQL restarted, a backend
terminated): used for the writes that must not be lost once done elsewhere, such as SES's message id.
``task_publish`` queues a task and, when the broker is down, says so instead of raising: the row in the
database stays the record and the reconcilers publish it again.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)
T = TypeVar("T")

DB_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    BROKER_ERRORS: tuple[type[Exception], ...] = (KombuOperationalError, RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is a requirement; the embedded mode does not need it
    BROKER_ERRORS = (KombuOperationalError,)


def atomic_with_retries(work: Callable[[], T], *, attempts: int = 7, first_wait: float = 0.25) -> T:
    """``work()`` in its own transaction, tried again (0.25 s, 0.5 s, ... about 16 s in all) on a fresh
    connection when the database connection fails. Inside an outer transaction it runs once: a
    connection cannot be replaced under a transaction that is still open."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except DB_ERRORS:
            if connection.in_atomic_block or attempt == attempts - 1:
                raise
            logger.warning("database connection failed; retrying on a fresh one (attempt %s)", attempt + 1)
            connection.close()
            time.sleep(first_wait * 2**attempt)
    raise AssertionError("unreachable")


def task_publish(task, *args) -> bool:
    """``task.delay(*args)``; False (logged) when the broker cannot be reached after a few quick tries."""
    from finemanwest.celery import app

    if app.conf.task_always_eager:
        task.delay(*args)  # runs here and now: its own errors must reach the caller
        return True
    try:
        task.apply_async(args, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3})
    except BROKER_ERRORS:
        logger.warning("broker unreachable: %s(%s) is left for the reconciler", task.name, args)
        return False
    return True
