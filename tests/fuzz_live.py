"""schemathesis with every check against a live server, for longer than CI's in-process run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finemanwest_fuzz .venv/bin/python tests/fuzz_live.py \\
        --port 8013 --minutes 10

Migrates the database, gives it an organization with a small ledger (the one tests/test_api_fuzz.py fuzzes),
starts gunicorn on 127.0.0.1, runs ``schemathesis run --checks all`` with tests/fuzz_hooks.py (real ids, see
tests/fuzz_support.py) for the given time, and stops the server. The report (JUnit and NDJSON) goes to
test-artifacts/fuzz/. The database is emptied first: give the run one of its own."""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare() -> tuple[str, dict]:
    """The token of an AR admin of a fresh organization, and its ids by API prefix."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finemanwest.settings.development")
    django.setup()
    from django.core.management import call_command
    from django.utils.crypto import get_random_string

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)  # the factories number their users from 0
    from tests.test_api_fuzz import _organization_with_ledger, caller_ids

    slug = f"fuzz-{get_random_string(6).lower()}"
    _, user, key = _organization_with_ledger(f"Fuzz {slug}", slug)
    return key, caller_ids(user)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8013)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", default="2")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a PostgreSQL database of the run's own")
    key, ids = prepare()
    artifacts = ROOT / "test-artifacts" / "fuzz"
    artifacts.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "finemanwest.settings.development",
           "API_THROTTLE_RATE": "1000000/min", "FUZZ_IDS": json.dumps(ids), "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("REDIS_URL", None)  # tasks run eagerly in the server: nothing needs a worker
    base = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn and arguments)
        [str(ROOT / ".venv/bin/gunicorn"), "finemanwest.wsgi", "-b", f"127.0.0.1:{options.port}", "-w", "2",
         "--access-logfile", str(artifacts / "access.log"), "--error-logfile", str(artifacts / "server.log")],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        schema_file = artifacts / "schema.json"
        for _ in range(60):
            try:
                url = f"{base}/api/schema/?format=json"  # http://127.0.0.1 only
                request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})  # noqa: S310
                schema_file.write_bytes(urllib.request.urlopen(request, timeout=5).read())  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        command = [
            str(ROOT / ".venv/bin/schemathesis"), "run", str(schema_file), "--url", base, "--checks", "all",
            "-H", f"Authorization: Token {key}", "--max-time", str(int(options.minutes * 60)),
            "--workers", options.workers, "--continue-on-failure", "--suppress-health-check", "all",
            "--report", "junit,ndjson", "--report-dir", str(artifacts),
        ]  # fmt: skip
        hooks = {**env, "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks"}
        return subprocess.run(command, cwd=ROOT, env=hooks).returncode  # noqa: S603  (our own schemathesis)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
