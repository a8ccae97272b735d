"""How many Claude calls may be in flight at once, across every worker process.

With Redis, a slot is a member of a sorted set scored by the time it was taken; a Lua script takes a slot
atomically when fewer than the limit are held, and slots older than the lease (a worker that died mid-call)
expire by themselves. Without Redis (the embedded mode: one process) a semaphore does the same job.
"""

import random
import threading
import time
import uuid
from contextlib import contextmanager

from django.conf import settings

_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  return 1
end
return 0
"""
KEY = "finemanwest:writer-slots"
_local = threading.BoundedSemaphore(1)
_local_size = 1
_local_guard = threading.Lock()


class NoWriterSlot(Exception):
    """Every slot stayed taken for the whole wait: the caller should try again later."""


def _local_semaphore(limit: int) -> threading.BoundedSemaphore:
    global _local, _local_size
    with _local_guard:
        if _local_size != limit:
            _local, _local_size = threading.BoundedSemaphore(limit), limit
        return _local


@contextmanager
def writer_slot(*, limit: int | None = None, wait_seconds: float = 120.0, lease_seconds: float | None = None):
    limit = limit or settings.ANTHROPIC_CONCURRENCY
    lease = lease_seconds or settings.ANTHROPIC_TIMEOUT_SECONDS * (settings.ANTHROPIC_MAX_RETRIES + 1) + 30
    if not settings.REDIS_URL:
        semaphore = _local_semaphore(limit)
        if not semaphore.acquire(timeout=wait_seconds):
            raise NoWriterSlot(f"all {limit} writer slots stayed busy for {wait_seconds:.0f} s")
        try:
            yield
        finally:
            semaphore.release()
        return

    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait_seconds
    take = client.register_script(_TAKE)
    while not take(keys=[KEY], args=[time.time(), lease, limit, token]):
        if time.monotonic() > deadline:
            raise NoWriterSlot(f"all {limit} writer slots stayed busy for {wait_seconds:.0f} s")
        time.sleep(0.02 + random.random() * 0.05)
    try:
        yield
    finally:
        client.zrem(KEY, token)
