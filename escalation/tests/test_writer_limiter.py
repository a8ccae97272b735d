"""No more Claude calls in flight than the limit, across threads (and, with Redis, across processes)."""

import threading
import time

import pytest
from django.conf import settings as django_settings

from escalation.writing.limiter import KEY, NoWriterSlot, writer_slot


def _peak_concurrency(limit: int, workers: int = 6) -> int:
    in_flight, peak, lock = 0, 0, threading.Lock()

    def call():
        nonlocal in_flight, peak
        with writer_slot(limit=limit, wait_seconds=10):
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.05)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=call) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return peak


def test_in_process_limit_holds(settings):
    settings.REDIS_URL = ""
    assert _peak_concurrency(limit=2) == 2


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_redis_limit_holds_and_a_dead_holders_slot_expires():
    import redis

    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(KEY)
    assert _peak_concurrency(limit=3) == 3
    assert client.zcard(KEY) == 0  # every slot given back
    client.zadd(KEY, {"dead-worker": time.time()})  # a worker that died holding a slot
    with pytest.raises(NoWriterSlot), writer_slot(limit=1, wait_seconds=0.2, lease_seconds=60):
        pass
    with writer_slot(limit=1, wait_seconds=2, lease_seconds=0.1):
        pass  # the stale slot expired after its lease
    client.delete(KEY)
