"""The global send rate: emails leave at most ``SES_MAX_SEND_RATE`` per second across every worker.

Each send reserves the next free instant, at least 1/rate after the previous one, and waits for it, so no
one-second window (sliding, not calendar) ever holds more than the rate. With Redis the reservation is one
Lua script on Redis's own clock (shared by every worker); in the embedded mode a lock does the same.
"""

import threading
import time

from django.conf import settings

KEY = "finemanwest:ses-next-send"
# Sends are spaced for 95% of the quota: a reserved instant and the moment the request reaches SES differ
# by a few milliseconds of scheduling, and that jitter must not push a window over the quota.
HEADROOM = 0.95
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + interval)
redis.call('SET', KEYS[1], tostring(slot), 'EX', 3600)
return {tostring(slot), tostring(now)}
"""
_lock = threading.Lock()
_last_local = 0.0


def send_slot_reserve(*, rate: float | None = None) -> float:
    """Reserve this process's next send instant; returns it on the local ``time.monotonic()`` clock.

    Reserving does not wait, so the caller can commit ``sending`` while the slot comes closer and then
    ``send_slot_wait_until`` it: the time between the slot and the request reaching SES stays a few
    milliseconds. A Redis error raises here, before anything was committed."""
    global _last_local
    interval = 1.0 / ((rate or settings.SES_MAX_SEND_RATE) * HEADROOM)
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
        slot, now = (float(v) for v in client.register_script(_RESERVE)(keys=[KEY], args=[interval]))
        return time.monotonic() + max(0.0, slot - now)
    with _lock:
        now = time.monotonic()
        slot = max(now, _last_local + interval)
        _last_local = slot
    return slot


def send_slot_wait_until(slot: float) -> float:
    """Sleep until the reserved ``slot``; returns the seconds waited."""
    wait = max(0.0, slot - time.monotonic())
    if wait:
        time.sleep(wait)
    return wait


def send_slot_wait(*, rate: float | None = None) -> float:
    """Block until this process may send one email; returns the seconds waited."""
    return send_slot_wait_until(send_slot_reserve(rate=rate))
