"""PostgreSQL backends terminated while a real worker reads and imports a file: the import ends applied exactly
once, with the right counts. Against the real PostgreSQL and a Redis of the test's own (CI's PostgreSQL + Redis
pass), with the worker of escalation/tests/test_faults.py. Prints: rows, invoices, applied, backends killed."""

import subprocess
import threading
import time

import pytest
from django.conf import settings

from accounts.models import AuditEvent
from escalation.tests import test_faults
from escalation.tests.test_faults import _stop, _terminator, _worker
from invoices.import_services import import_batch_confirm
from invoices.models import ImportBatch, Invoice
from invoices.tests.import_helpers import canonical_row, import_file

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (runs in CI's PostgreSQL + Redis pass)"),
    pytest.mark.django_db(transaction=True),
]
point_app_at, ses = test_faults.point_app_at, test_faults.ses  # its fixtures, used here by name
PORT = 6396  # not test_faults.py's: the two may run at once on a shared machine
ROWS = 3000
Status = ImportBatch.Status


@pytest.fixture
def import_redis():
    def cli(*args):
        return subprocess.run(["redis-cli", "-p", str(PORT), *args], capture_output=True)  # noqa: S603,S607

    cli("shutdown", "nosave")
    subprocess.run(["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",  # noqa: S603,S607
                    "--daemonize", "yes"], check=True, capture_output=True)  # fmt: skip
    for _ in range(100):
        if cli("ping").returncode == 0:
            break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{PORT}/0"
    cli("shutdown", "nosave")


def _wait_for(batch, statuses, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in statuses:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"import #{batch.pk} stayed {batch.status}")


def _terminate_for(seconds, interval=0.1) -> int:
    """Terminate the worker's backends every ``interval`` seconds for ``seconds``; how many were terminated."""
    stop, killed = threading.Event(), []
    thread = threading.Thread(target=lambda: killed.append(_terminator(stop, interval)), daemon=True)
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join()
    return killed[0]


def test_postgresql_backends_terminated_while_a_worker_reads_and_imports(
    organization,
    ses,
    import_redis,
    point_app_at,
    tmp_path,
    settings,
):
    settings.IMPORT_BACKGROUND_BYTES = 100  # read and imported by the worker, as a large file is
    rows = [canonical_row(f"C-{n // 3}", f"Customer {n // 3}", f"ap{n // 3}@example.com", f"INV-{n}", "2025-01-10",
                          "100.00", "2025-02-28") for n in range(ROWS)]  # fmt: skip
    point_app_at(import_redis)
    worker = _worker(import_redis, ses, tmp_path / "beat", MEDIA_ROOT=settings.MEDIA_ROOT)  # the shared uploads
    killed = 0
    try:
        batch = import_file(organization, rows, confirm=False)
        _wait_for(batch, {Status.READING, Status.PREVIEWED})
        killed += _terminate_for(3)  # while the worker reads the file into staging
        batch = _wait_for(batch, {Status.PREVIEWED, Status.REJECTED, Status.FAILED})
        assert batch.status == Status.PREVIEWED, (batch.failure, batch.issues[:3])
        assert batch.preview["invoices"]["new"] == ROWS  # staged once, whatever the read went through

        batch = import_batch_confirm(batch=batch)
        killed += _terminate_for(3)  # while it writes the ledger
        batch = _wait_for(batch, {Status.COMPLETED, Status.FAILED})
    finally:
        _stop(worker)

    applied = AuditEvent.objects.filter(action="import.completed", object_id=str(batch.pk)).count()
    invoices = Invoice.objects.filter(organization=organization).count()
    print(f"\nFAULT pg-terminate-import: rows={ROWS}, invoices={invoices}, applied={applied}, killed={killed}")
    assert batch.status == Status.COMPLETED, batch.failure
    assert batch.result["invoices"]["new"] == ROWS and invoices == ROWS
    assert applied == 1
    assert killed > 0  # the faults happened
