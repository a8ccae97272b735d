"""A run drafts one checked email per due account, and never two for the same situation."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from escalation.models import EmailDraft, EscalationRun
from escalation.services import escalation_run_start
from escalation.tests.ledger import AS_OF, TODAY, active_templates, allow_skipping, owing_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(organization, settings):
    settings.AI_MODE = "offline"
    active_templates(organization)
    allow_skipping(organization)  # drafts at the degree the age reaches; the default policy is tested elsewhere
    owing_account(organization, days_overdue=10, name="Friendly Ltd", email="ap@friendly.example")
    owing_account(organization, days_overdue=95, name="Final Ltd", email="ap@final.example", amount="4820.00")
    owing_account(organization, days_overdue=45, name="Paused Ltd", escalation_paused=True)
    return organization


def test_run_drafts_one_checked_email_per_due_account(ledger, collector, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # generation is queued when the run commits
        run = escalation_run_start(organization=ledger, actor=collector, on_date=TODAY)
    run.refresh_from_db()
    assert run.counts["drafts_created"] == 2 and run.counts["skipped"] == 1
    assert run.status == EscalationRun.Status.COMPLETED  # eager mode: generation ran already
    drafts = {d.account.account_name: d for d in EmailDraft.objects.filter(run=run)}
    final = drafts["Final Ltd"]
    assert (final.degree, final.snapshot_date, final.recipient_email) == (4, AS_OF, "ap@final.example")
    assert final.writer == EmailDraft.Writer.OFFLINE and final.check_passed
    assert final.status == EmailDraft.Status.NEEDS_REVIEW  # every degree needs approval by default
    assert "4,820.00" in final.body_text and final.facts["total_due"] == "4820.00"
    assert final.template.identifier == "final-notice" and final.template.version == 1
    assert AuditEvent.objects.filter(action="draft.generated").count() == 2


def test_a_second_run_drafts_nothing_new(ledger):
    escalation_run_start(organization=ledger, on_date=TODAY)
    second = escalation_run_start(organization=ledger, on_date=TODAY)
    assert second.counts["drafts_created"] == 0
    assert EmailDraft.objects.count() == 2


def test_the_database_refuses_a_second_draft_for_the_same_situation(ledger):
    from django.db import IntegrityError, transaction

    escalation_run_start(organization=ledger, on_date=TODAY)
    draft = EmailDraft.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDraft.objects.create(
            organization=ledger, account=draft.account, snapshot_date=draft.snapshot_date, degree=draft.degree,
            template=draft.template, recipient_email=draft.recipient_email,
        )  # fmt: skip


def test_drafts_point_at_the_template_version_that_wrote_them(ledger, django_capture_on_commit_callbacks):
    from templates_app.models import EmailTemplate
    from templates_app.services import template_version_create

    with django_capture_on_commit_callbacks(execute=True):
        escalation_run_start(organization=ledger, on_date=TODAY)
    old = EmailTemplate.objects.get(identifier="friendly-reminder", version=1)
    template_version_create(organization=ledger, identifier="friendly-reminder",
                            data={**old.data, "subject": "New subject"}, activate=True)  # fmt: skip
    draft = EmailDraft.objects.get(degree=1)
    assert draft.template == old and draft.subject != "New subject"


def test_collector_sees_who_is_due_and_starts_the_run(
    client_for, collector, ledger, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("escalation.views.timezone.localdate", lambda: TODAY)
    client = client_for(collector)
    page = client.get(reverse("due")).content.decode()
    assert "Friendly Ltd" in page and "Escalation is paused for this account" in page
    assert "Start the run: draft 2 emails" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("run-start"))
    run = EscalationRun.objects.get()
    assert response["Location"] == reverse("run-detail", args=[run.pk])
    run_page = client.get(response["Location"]).content.decode()
    assert "Final Ltd" in run_page and "passed" in run_page
    draft = EmailDraft.objects.get(degree=4)
    draft_page = client.get(reverse("draft-detail", args=[draft.pk])).content.decode()
    assert "Every figure matches the ledger." in draft_page and "final-notice v1" in draft_page


def test_viewer_cannot_start_a_run(client_for, viewer, ledger):
    assert client_for(viewer).post(reverse("run-start")).status_code == 403
    assert not EscalationRun.objects.exists()


def test_another_organizations_draft_is_a_404(client_for, collector, other_organization, settings):
    settings.AI_MODE = "offline"
    active_templates(other_organization)
    owing_account(other_organization, days_overdue=45, name="Theirs")
    escalation_run_start(organization=other_organization, on_date=TODAY)
    draft = EmailDraft.objects.get()
    assert client_for(collector).get(reverse("draft-detail", args=[draft.pk])).status_code == 404
    assert client_for(collector).get(reverse("run-detail", args=[draft.run_id])).status_code == 404
