"""Mutation check of the redelivery guards: each guard is switched off in turn (its ``if`` made false) and the
test that holds it must then fail. Run from the repository root:

    env -u DATABASE_URL -u REDIS_URL .venv/bin/python devtools/guard_mutations.py

Prints one line per guard (``caught`` or ``SURVIVED``) and exits 1 if a mutant survived. The files are
restored after each run, also when interrupted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN, SEND = "escalation/generation.py", "escalation/delivery/services.py"
IMPORTS, DAILY = "invoices/import_services.py", "escalation/services.py"
GUARDS_TESTS = "escalation/tests/test_redelivery_guards.py"

# (name, file, the guard's line as written, which occurrence, the test that must fail without it)
GUARDS = [
    ("generation: early status check (task)", GEN, "    if draft.status != Status.GENERATING:", 0,
     f"{GUARDS_TESTS}::test_a_redelivered_generation_task_reads_nothing_but_the_draft[generate]"),
    ("generation: early status check (batch answer)", GEN, "    if draft.status != Status.GENERATING:", 1,
     f"{GUARDS_TESTS}::test_a_redelivered_generation_task_reads_nothing_but_the_draft[batch answer]"),
    ("generation: status check under the lock (draft_store)", GEN, "    if draft.status != Status.GENERATING:", 2,
     "escalation/tests/test_outbox_and_guards.py::test_two_copies_of_a_generation_task_racing_store_one_result"),
    ("send: early status check", SEND,
     "    if EmailDraft.objects.filter(pk=draft_id).exclude(status=S.QUEUED).exists():", 0,
     f"{GUARDS_TESTS}::test_a_redelivered_send_task_takes_no_rate_limit_slot"),
    ("send: status check under the lock", SEND, "        if draft.status != S.QUEUED:", 0,
     f"{GUARDS_TESTS}::test_a_send_copy_that_lost_the_race_while_waiting_for_its_slot_ends_quietly"),
    ("import read: the claim (staging -> reading)", IMPORTS, "    if not claimed:", 0,
     "invoices/tests/test_import_redelivery.py::test_a_read_delivered_again_while_the_first_is_reading_does_nothing"),
    ("import apply: status check under the lock", IMPORTS,
     "            if batch.status not in (Status.PREVIEWED, Status.IMPORTING):", 0,
     "invoices/tests/test_import_redelivery.py::test_an_apply_delivered_twice_imports_once"),
    ("daily run: today's scheduled run exists", DAILY,
     "        if EscalationRun.objects.filter(organization=collection.organization, run_date=local.date(),", 0,
     f"{GUARDS_TESTS}::test_a_second_firing_of_the_daily_schedule_does_not_compute_the_due_list_again"),
]  # fmt: skip


def _switch_off(text: str, line: str, occurrence: int) -> str:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(line, start + 1)
    indent = line[: len(line) - len(line.lstrip())]
    return text[:start] + f"{indent}if False and (" + text[start + len(indent) + 3 :].replace(":", "):", 1)


def main() -> int:
    survived = 0
    for name, path, line, occurrence, test in GUARDS:
        file = ROOT / path
        original = file.read_text()
        try:
            file.write_text(_switch_off(original, line, occurrence))
            run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test],  # noqa: S603
                                 cwd=ROOT, capture_output=True, text=True)  # fmt: skip
        finally:
            file.write_text(original)
        caught = run.returncode == 1
        survived += not caught
        reason = next((line for line in run.stdout.splitlines() if line.startswith("E ")), "").strip()
        print(f"{'caught  ' if caught else 'SURVIVED'}  {name}  ->  {test.split('::')[-1]}", flush=True)
        if caught:
            print(f"          {reason[:150]}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
