"""The account's timeline reads as words: every action the code records has a label, and no raw code shows."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.services import audit_event_record
from escalation.models import EmailDraft
from escalation.selectors import TIMELINE_LABELS
from escalation.tests.ledger import active_templates, owing_account

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS = {".venv", "tests", "migrations", "node_modules"}


def _action_strings(expression: ast.expr) -> set[str]:
    """The action codes an ``action=`` argument can take: its string constants, and one "draft.<status>" per draft
    status for the draft state machine's f"draft.{to}"."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.JoinedStr):
        assert ast.unparse(expression) == "f'draft.{to}'", f"teach this test what {ast.unparse(expression)} records"
        return {f"draft.{status}" for status in EmailDraft.Status.values}
    if isinstance(expression, ast.IfExp):  # "invoice.disputed" if disputed else "invoice.dispute_resolved"
        return _action_strings(expression.body) | _action_strings(expression.orelse)
    if isinstance(expression, ast.BoolOp) and ast.unparse(expression) == "audit_action or f'draft.{to}'":
        return _action_strings(expression.values[1])  # audit_action's values: draft_transition(audit_action=...)
    raise AssertionError(f"teach this test what {ast.unparse(expression)} records")


def _recorded_actions() -> set[str]:
    """Every action passed to audit_event_record() in the code base, read from the source."""
    actions = set()
    for path in ROOT.rglob("*.py"):
        if SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            function = getattr(node, "func", None)
            name = getattr(function, "id", getattr(function, "attr", None))
            if name == "draft_transition":
                actions |= {k.value.value for k in node.keywords if k.arg == "audit_action"}
            if name != "audit_event_record":
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            assert action is not None, f"{path}:{node.lineno}: audit_event_record() without action="
            actions |= _action_strings(action)
    return actions


def test_every_action_the_code_records_has_a_label():
    actions = _recorded_actions()
    assert {"draft.sent", "invoice.disputed", "promise.recorded", "contact.suppressed"} <= actions  # the scan works
    assert sorted(actions - set(TIMELINE_LABELS)) == []


def _timeline_html(page: str) -> str:
    return re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)


def test_no_timeline_entry_shows_a_raw_code(client_for, collector, organization):
    account = owing_account(organization, days_overdue=45, name="Northwind")
    for action in TIMELINE_LABELS:
        if "." in action:
            audit_event_record(organization=organization, action=action, obj=account, actor=collector)
    html = _timeline_html(client_for(collector).get(reverse("account-detail", args=[account.pk])).content.decode())
    shown = set(re.findall(r"<strong>(.*?)</strong>", html))
    assert shown == {label for action, label in TIMELINE_LABELS.items() if action not in ("note.added", "note",
                                                                                             "import")}  # fmt: skip
    assert [code for code in TIMELINE_LABELS if code in html] == []
    assert not re.search(r"\b[a-z]+_?[a-z]*\.[a-z_]+\b", re.sub(r"<[^>]+>", " ", html))


def test_a_collectors_day_reads_as_words_on_the_timeline(client_for, collector, organization,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    active_templates(organization)
    account = owing_account(organization, days_overdue=45, name="Northwind")
    client = client_for(collector)
    client.post(reverse("account-note", args=[account.pk]), {"text": "Called: cheque in the post."})
    client.post(reverse("invoice-dispute", args=[account.invoices.get().pk]), {"disputed": "1", "reason": "Short"})
    client.post(reverse("invoice-dispute", args=[account.invoices.get().pk]), {"disputed": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account-email-now", args=[account.pk]))
    draft = EmailDraft.objects.get(account=account)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("draft-approve", args=[draft.pk]))
    client.post(reverse("account-pause", args=[account.pk]), {"paused": "1"})

    page = client.get(reverse("account-detail", args=[account.pk])).content.decode()
    labels = re.findall(r"<strong>(.*?)</strong>", _timeline_html(page))
    assert labels == [
        "Account details changed",
        "Email sent",
        "Email being sent",
        "Email queued for sending",
        "Draft approved",
        "Email drafted",
        "Invoice dispute resolved",
        "Invoice disputed",
        "Note",
    ]
