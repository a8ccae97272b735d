"""Operational tasks. ``worker_ping_task`` proves a worker can take a task from the broker and reach
the database: ``celery -A finemanwest call finemanwest.tasks.worker_ping_task`` after a deploy."""

import socket

from celery import shared_task
from django.db import connection

from accounts.models import Organization


@shared_task(ignore_result=False)  # the caller waits for its answer
def worker_ping_task() -> dict:
    return {
        "worker": socket.gethostname(),
        "database": connection.vendor,
        "organizations": Organization.objects.count(),
    }
