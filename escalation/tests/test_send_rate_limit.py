"""The send rate holds across worker processes: no one-second window carries more than the limit."""

import itertools
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from escalation.delivery.rate_limit import KEY, send_slot_wait

WORKER = """
import os, sys, time, django
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
django.setup()
from escalation.delivery.rate_limit import send_slot_wait
for _ in range(int(sys.argv[1])):
    send_slot_wait(rate=float(sys.argv[2]))
    print(time.time(), flush=True)
"""


def _max_in_any_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times))


def test_spacing_holds_within_one_process(settings):
    import time

    settings.REDIS_URL = ""
    stamps = []
    for _ in range(12):
        send_slot_wait(rate=20)
        stamps.append(time.monotonic())
    assert _max_in_any_window(stamps) <= 20
    assert min(b - a for a, b in itertools.pairwise(stamps)) >= 0.045


@pytest.mark.redis
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_two_worker_processes_share_the_rate():
    import redis

    redis.Redis.from_url(django_settings.REDIS_URL).delete(KEY)
    env = {**os.environ, "REDIS_URL": django_settings.REDIS_URL}
    workers = [
        subprocess.Popen(  # noqa: S603  (our interpreter, our script)
            [sys.executable, "-c", WORKER, "25", "20"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=django_settings.BASE_DIR,
        )
        for _ in range(2)
    ]
    stamps = [float(line) for worker in workers for line in worker.communicate(timeout=60)[0].split()]
    assert len(stamps) == 50
    assert _max_in_any_window(stamps) <= 20 + 1  # +1: a send exactly at both edges of a window
    assert max(stamps) - min(stamps) >= 49 / 20 * 0.95  # 50 sends at 20/s take about 2.45 s
