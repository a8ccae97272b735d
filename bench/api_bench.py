"""REST API under load: gunicorn (2 sync workers, production settings) on PostgreSQL holding 5,000 accounts
and 100,000 invoices, driven on loopback by an asyncio client (aiohttp) in a process of its own.

    python bench/api_bench.py                        # 30 s, 50 clients; builds the data set once (finemanwest_apibench)
    python bench/api_bench.py --duration 10 --clients 8
    python bench/api_bench.py --rebuild              # rebuild the data set first
    python bench/api_bench.py --profile              # where one request's time goes (in-process), no load run

Each client sends one request after the other (a closed loop), going round the invoice list, the invoice list
filtered by one account, and the account list. Prints per endpoint and overall: requests, requests/s,
p50/p95/p99/max latency (every request, errors included) and errors (non-2xx answers and exceptions), and
whether the target holds: p95 <= 50 ms and no error. The machine's CPU is shared by the load generator,
gunicorn and PostgreSQL; the CPU each used is printed too.
"""

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finemanwest_apibench")
os.environ["DJANGO_SETTINGS_MODULE"] = "finemanwest.settings.test"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fw-bench-media-"))

TARGET_P95_MS = 50.0
WORKERS = 2
WARMUP_SECONDS = 3.0
# Production settings refuse to start without these. An API read uses the cache (the per-token rate limit lives
# in Redis, as in production) but neither Celery nor email, so the SES values are placeholders.
SERVER_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "finemanwest.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "api-bench-placeholder-not-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    "AWS_SES_REGION_NAME": "us-east-1",
    "DEFAULT_FROM_EMAIL": "Bench <bench@example.com>",
    "LOG_LEVEL": "WARNING",
    # Each worker keeps its one PostgreSQL backend through the run, so that backend's CPU can be read; production's
    # 60 s reconnects once a minute, which costs nothing measurable.
    "CONN_MAX_AGE": "600",
}
# TLS ends at the load balancer, which says so; production redirects plain-HTTP requests without it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def _api_token(user, *, name: str = "api bench") -> str:
    """The secret an API client sends as ``Authorization: Token <secret>``."""
    from accounts.services import api_token_create

    return api_token_create(user=user, name=name)[1]


def _endpoints(organization) -> dict[str, list[str]]:
    """Endpoint name -> the paths a client picks from for it."""
    from accounts.models import Account

    account_ids = list(Account.objects.filter(organization=organization).values_list("pk", flat=True))
    sample = random.Random(7).sample(account_ids, min(200, len(account_ids)))
    return {
        "invoices": ["/api/invoices/"],
        "invoices ?account=": [f"/api/invoices/?account={pk}" for pk in sample],
        "accounts": ["/api/accounts/"],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_health(base_url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /health within 60 s:\n{log_path.read_text()[-3000:]}")


def _check_endpoints(base_url: str, token: str, endpoints: dict[str, list[str]]) -> None:
    """One request per endpoint before the load: a 401 or 301 here would otherwise be 100% errors."""
    import json

    for name, paths in endpoints.items():
        request = urllib.request.Request(  # noqa: S310
            base_url + paths[0], headers={"Authorization": f"Token {token}", **PROXY_HEADERS}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = json.loads(response.read())
        print(f"  {name:20} {paths[0]:32} {response.status}, {len(body['results'])} rows a page")


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time so far of each process that still runs (Linux)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def _cpu_used(before: dict[int, float]) -> float:
    """CPU seconds used since ``before`` by its processes (one that ended meanwhile is not counted)."""
    after = _cpu_seconds(list(before))
    return sum(after[pid] - before[pid] for pid in after)


def _machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, every core added up (Linux)."""
    # user nice system idle iowait irq softirq steal; guest time is already in user and nice.
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK"), sum(ticks) / os.sysconf("SC_CLK_TCK")


def _database_backend_pids() -> list[int]:
    """The PostgreSQL backends of the bench database's other connections: the workers' persistent ones."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def _worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


# --- The load generator: runs in its own process ---------------------------------------------------------


def load_run(
    *, base_url: str, tokens: list[str], endpoints: dict[str, list[str]], clients: int, duration: float
) -> dict:
    """Closed loop: ``clients`` coroutines, each sending its next request when the last one has answered,
    until ``duration`` has passed. Returns, per endpoint, every latency (ms) and the errors by kind."""
    return asyncio.run(_load(base_url=base_url, tokens=tokens, endpoints=endpoints, clients=clients, duration=duration))


async def _load(
    *, base_url: str, tokens: list[str], endpoints: dict[str, list[str]], clients: int, duration: float
) -> dict:
    import aiohttp

    names = list(endpoints)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    errors: dict[str, dict[str, int]] = {name: {} for name in names}
    cpu_started = time.process_time()

    async def client(number: int, session: aiohttp.ClientSession, deadline: float) -> None:
        choose = random.Random(number).choice
        # Each client is its own integration with its own token, so each has its own rate limit.
        headers = {"Authorization": f"Token {tokens[number % len(tokens)]}", "Accept": "application/json",
                   **PROXY_HEADERS}  # fmt: skip
        turn = number
        while time.perf_counter() < deadline:
            name = names[turn % len(names)]
            turn += 1
            started = time.perf_counter()
            try:
                async with session.get(base_url + choose(endpoints[name]), headers=headers) as response:
                    await response.read()
                    failure = None if 200 <= response.status < 300 else f"HTTP {response.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                failure = type(exc).__name__
            latencies[name].append((time.perf_counter() - started) * 1000)
            if failure:
                errors[name][failure] = errors[name].get(failure, 0) + 1

    # gunicorn's sync workers close the connection after each answer, so there is no pool to size.
    connector = aiohttp.TCPConnector(limit=clients, force_close=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        deadline = started + duration
        await asyncio.gather(*(client(number, session, deadline) for number in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "errors": errors,
        "elapsed": elapsed,
        "cpu_seconds": time.process_time() - cpu_started,
        "requests": sum(map(len, latencies.values())),
    }


# --- Reporting -------------------------------------------------------------------------------------------


def _summary_line(name: str, latencies: list[float], error_count: int, elapsed: float) -> str:
    if len(latencies) < 2:
        return f"{name:20} {len(latencies):>8} requests: too few to say anything"
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (
        f"{name:20} {len(latencies):>8,} {len(latencies) / elapsed:>8.1f} {cuts[49]:>7.1f} {cuts[94]:>7.1f} "
        f"{cuts[98]:>7.1f} {max(latencies):>7.1f} {error_count:>7}"
    )


def _report(result: dict, clients: int) -> bool:
    elapsed = result["elapsed"]
    print(f"{'endpoint':20} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'errors':>7}")  # fmt: skip
    every_latency: list[float] = []
    error_total = 0
    for name, latencies in result["latencies"].items():
        error_count = sum(result["errors"][name].values())
        print(_summary_line(name, latencies, error_count, elapsed))
        every_latency += latencies
        error_total += error_count
    print(_summary_line("overall", every_latency, error_total, elapsed))
    for name, kinds in result["errors"].items():
        for kind, count in sorted(kinds.items()):
            print(f"  errors on {name}: {count} x {kind}")
    p95 = statistics.quantiles(every_latency, n=100, method="inclusive")[94] if len(every_latency) > 1 else None
    met = p95 is not None and p95 <= TARGET_P95_MS and error_total == 0
    verdict = "MET" if met else "MISSED"
    p95_text = f"{p95:.1f} ms" if p95 is not None else "n/a"
    print(f"target p95 <= {TARGET_P95_MS:.0f} ms with no error at {clients} clients: {verdict} (p95 {p95_text}, "
          f"{error_total} errors)")  # fmt: skip
    # Little's law: a closed loop of N clients at mean latency W runs at N / W requests a second.
    needed = clients / (TARGET_P95_MS / 1000)
    print(f"  (a closed loop of {clients} clients with every request under {TARGET_P95_MS:.0f} ms would run at "
          f">= {needed:,.0f} req/s: {needed / WORKERS:,.0f} a second per worker, < {1000 * WORKERS / needed:.1f} ms of "
          f"server time a request)")  # fmt: skip
    return met


# --- In-process profile ----------------------------------------------------------------------------------

# Phase of a request -> the (file, function) whose cumulative time measures it; where several functions match
# (ListSerializer.data calls Serializer.data), they nest, so the outermost, the longest, is the phase.
PHASES = {
    "authentication (token -> user)": ("rest_framework/views.py", "perform_authentication"),
    "permission checks": ("rest_framework/views.py", "check_permissions"),
    "filtering": ("rest_framework/generics.py", "filter_queryset"),
    "pagination: COUNT(*)": ("django/db/models/query.py", "count"),
    "pagination: COUNT(*) + page, prefetch": ("rest_framework/pagination.py", "paginate_queryset"),
    "serialization": ("rest_framework/serializers.py", "data"),
    "JSON rendering": ("rest_framework/response.py", "rendered_content"),
    "SQL execution (all queries)": ("django/db/backends/utils.py", "_execute"),
}
PROFILED_REQUESTS = 20


class _QueryTimer:
    """Every query of a request with its time, to the microsecond (CaptureQueriesContext rounds to 1 ms)."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql, params))


def _short_sql(sql: str) -> str:
    import re

    return re.sub(r"^SELECT (.{40,}?) FROM", "SELECT ... FROM", sql)[:160]


def _profile(endpoints: dict[str, list[str]], token: str) -> None:
    """Per endpoint: server time through the test client, every SQL query with its time and the plan of the
    slowest, and where a request's time goes (cProfile of 20 requests; its overhead inflates Python over SQL)."""
    import cProfile
    import pstats

    from django.db import connection
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    print("settings: finemanwest.settings.test (DEBUG off, logs at WARNING), in-process, no gunicorn")
    for name, paths in endpoints.items():
        path = paths[0]
        for _ in range(3):
            assert client.get(path).status_code == 200
        timings = []
        for _ in range(PROFILED_REQUESTS):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(path)
        sql_ms = sum(ms for ms, _, _ in timer.queries)
        print(f"\n== {name} ({path}): median {statistics.median(timings):.1f} ms a request; "
              f"{len(timer.queries)} queries taking {sql_ms:.1f} ms")  # fmt: skip
        for ms, sql, _ in timer.queries:
            print(f"  {ms:6.2f} ms  {_short_sql(sql)}")
        _, slowest_sql, slowest_params = max(timer.queries, key=lambda query: query[0])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + slowest_sql, slowest_params)
            plan = [row[0] for row in cursor.fetchall()]
        print("  plan of the slowest: " + "\n  | ".join(plan))

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PROFILED_REQUESTS):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler).stats
        total_ms = sum(entry[2] for entry in stats.values()) * 1000 / PROFILED_REQUESTS
        print(f"  under cProfile: {total_ms:.1f} ms a request, of which (phases nest: the page includes the count)")
        for phase, (file_suffix, function) in PHASES.items():
            cumulative = max(
                (
                    entry[3]
                    for (file_name, _, function_name), entry in stats.items()
                    if function_name == function and file_name.endswith(file_suffix)
                ),
                default=0,
            )
            if cumulative:
                ms = cumulative * 1000 / PROFILED_REQUESTS
                print(f"    {phase:38} {ms:6.1f} ms  {100 * ms / total_ms:3.0f}%")


# --- Main ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set first")
    parser.add_argument("--profile", action="store_true", help="profile each endpoint in-process instead")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()

    from import_bench import ensure_database

    ensure_database()
    import django

    django.setup()
    from workspace_bench import workspace_build

    organization, user = workspace_build(accounts=args.accounts, invoices=args.invoices, rebuild=args.rebuild)
    token = _api_token(user)
    tokens = [_api_token(user, name=f"api bench client {number}") for number in range(args.clients)]
    endpoints = _endpoints(organization)
    if args.profile:
        _profile(endpoints, token)
        return

    from django.db import connections

    connections.close_all()  # the server's workers and PostgreSQL get the CPU; this process only watches
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkdtemp(prefix="fw-api-bench-")) / "gunicorn.log"
    print(f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}, production settings (DJANGO_DEBUG=false, JSON logs "
          f"at WARNING; Redis for the rate limit, placeholder secret key and SES region), log {log_path}")  # fmt: skip
    print(f"machine: {os.cpu_count()} cores shared by the load generator, gunicorn and PostgreSQL; load average "
          f"before: {os.getloadavg()[0]:.2f}")  # fmt: skip
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "finemanwest.wsgi", "-w", str(WORKERS),
             "-b", f"127.0.0.1:{port}", "--timeout", "120"],
            cwd=ROOT, env={**os.environ, **SERVER_ENVIRONMENT}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for_health(base_url, server, log_path)
        _check_endpoints(base_url, token, endpoints)
        load = {"base_url": base_url, "tokens": tokens, "endpoints": endpoints, "clients": args.clients}
        with multiprocessing.get_context("spawn").Pool(1) as generator:
            warmup = generator.apply(load_run, kwds={**load, "duration": WARMUP_SECONDS})
            warmup_errors = sum(sum(kinds.values()) for kinds in warmup["errors"].values())
            print(f"warm-up: {sum(map(len, warmup['latencies'].values())):,} requests in {WARMUP_SECONDS:.0f} s, "
                  f"{warmup_errors} errors")  # fmt: skip
            workers_before = _cpu_seconds(_worker_pids(server.pid))
            backends_before = _cpu_seconds(_database_backend_pids())
            machine_before = _machine_cpu_seconds()
            result = generator.apply(load_run, kwds={**load, "duration": args.duration})
            workers_cpu = _cpu_used(workers_before)
            backends_cpu = _cpu_used(backends_before)
            busy, total = (after - before for after, before in zip(_machine_cpu_seconds(), machine_before, strict=True))
        print(f"\n{args.clients} clients for {result['elapsed']:.1f} s:")
        _report(result, args.clients)
        rest = busy - workers_cpu - backends_cpu - result["cpu_seconds"]
        print(f"CPU over the run: machine {100 * busy / total:.0f}% busy ({busy:.1f} of {total:.1f} core-seconds): "
              f"gunicorn workers {workers_cpu:.1f} s, their PostgreSQL backends {backends_cpu:.1f} s, load generator "
              f"{result['cpu_seconds']:.1f} s, everything else {rest:.1f} s (PostgreSQL's parallel query workers, "
              f"other processes)")  # fmt: skip
        print(f"  per request: {1000 * workers_cpu / result['requests']:.1f} ms of gunicorn CPU, "
              f"{1000 * backends_cpu / result['requests']:.1f} ms of PostgreSQL backend CPU")  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    logged = [line for line in log_path.read_text().splitlines() if '"level": "' in line]
    last = f", last: {logged[-1]}" if logged else ""
    print(f"server log: {len(logged)} application lines at WARNING or above{last}")


if __name__ == "__main__":
    main()
