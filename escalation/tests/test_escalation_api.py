"""Everything a collector does in the pages, an integration can do through the API."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from escalation.models import EmailDraft
from escalation.tests.ledger import active_templates, owing_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for, collector, organization, settings):
    settings.AI_MODE = "offline"
    active_templates(organization)
    owing_account(organization, days_overdue=45, name="Northwind", email="ap@northwind.example")
    return api_client_for(collector)


def test_due_run_review_and_send_through_the_api(api, django_capture_on_commit_callbacks):
    due = api.get(reverse("api:due")).json()
    # The ledger helper dates invoices in early 2025, so by today they are 120+ days overdue: degree 5.
    assert [d["account_name"] for d in due["due"]] == ["Northwind"] and due["due"][0]["degree"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post(reverse("api:run-list"))
    assert run.status_code == 201 and run.json()["counts"]["drafts_created"] == 1
    (draft,) = api.get(reverse("api:draft-list"), {"status": "needs_review"}).json()["results"]
    assert draft["check_passed"] and draft["writer"] == "offline" and draft["facts"]["total_due"] == "1000.00"

    edited = api.post(
        reverse("api:draft-edit", args=[draft["id"]]),
        {"subject": draft["subject"], "body_text": draft["body_text"] + "\nThank you."},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["check_passed"]
    with django_capture_on_commit_callbacks(execute=True):
        approved = api.post(reverse("api:draft-approve", args=[draft["id"]]))
    assert approved.status_code == 200
    assert EmailDraft.objects.get().status == EmailDraft.Status.SENT and len(mail.outbox) == 1


def test_approving_a_draft_twice_is_a_409_conflict(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("api:run-list"))
    draft_id = EmailDraft.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("api:draft-approve", args=[draft_id]))
    response = api.post(reverse("api:draft-approve", args=[draft_id]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict" and "needs review" in response.json()["error"]["message"]
    assert len(mail.outbox) == 1


def test_notes_promises_and_disputes(api, organization):
    from accounts.models import Account

    account = Account.objects.get()
    assert (
        api.post(reverse("api:note-list"), {"account": account.pk, "text": "Called"}, format="json").status_code == 201
    )
    promise = {"account": account.pk, "promised_date": (datetime.date.today() + datetime.timedelta(days=5)).isoformat(),
               "amount": "250.00"}  # fmt: skip
    assert api.post(reverse("api:promise-list"), promise, format="json").status_code == 201
    invoice = account.invoices.get()
    disputed = api.post(reverse("api:invoice-dispute", args=[invoice.pk]), {"disputed": True, "reason": "Damaged"},
                        format="json")  # fmt: skip
    assert disputed.status_code == 200 and disputed.json()["is_disputed"]
    actions = [e["action"] for e in api.get(reverse("api:audit-event-list")).json()["results"]]
    assert {"note.added", "promise.recorded", "invoice.disputed"} <= set(actions)


def test_a_note_on_another_organizations_account_is_refused(api, other_organization):
    theirs = owing_account(other_organization, days_overdue=45, name="Theirs")
    response = api.post(reverse("api:note-list"), {"account": theirs.pk, "text": "x"}, format="json")
    assert response.status_code == 400 and not theirs.notes.exists()


def test_viewer_token_reads_but_cannot_approve(api_client_for, viewer, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("api:run-list"))
    draft_id = EmailDraft.objects.get().pk
    reader = api_client_for(viewer)
    assert reader.get(reverse("api:draft-detail", args=[draft_id])).status_code == 200
    assert reader.post(reverse("api:draft-approve", args=[draft_id])).status_code == 403
    assert reader.post(reverse("api:run-list")).status_code == 403


def _approved_draft(api, django_capture_on_commit_callbacks, *, ending_in) -> int:
    """A draft whose sending ended in ``ending_in`` (set directly: how it got there is the sending tests' job)."""
    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("api:run-list"))
    draft = EmailDraft.objects.get()
    EmailDraft.objects.filter(pk=draft.pk).update(status=ending_in, approved_at=datetime.datetime.now(datetime.UTC))
    return draft.pk


def test_a_failed_draft_is_sent_again_through_the_api(api, django_capture_on_commit_callbacks):
    draft_id = _approved_draft(api, django_capture_on_commit_callbacks, ending_in=EmailDraft.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:draft-send", args=[draft_id]))

    assert response.status_code == 200
    assert EmailDraft.objects.get().status == EmailDraft.Status.SENT and len(mail.outbox) == 1
    again = api.post(reverse("api:draft-send", args=[draft_id]))
    assert again.status_code == 409 and "Only a failed draft" in again.json()["error"]["message"]
    assert len(mail.outbox) == 1


def test_a_draft_whose_sending_is_unknown_is_resolved_without_sending_it(api, django_capture_on_commit_callbacks):
    draft_id = _approved_draft(api, django_capture_on_commit_callbacks, ending_in=EmailDraft.Status.UNKNOWN)

    response = api.post(reverse("api:draft-resolve", args=[draft_id]), {"was_sent": True, "message_id": "ses-1"})

    assert response.status_code == 200 and response.json()["status"] == "sent"
    assert response.json()["ses_message_id"] == "ses-1" and mail.outbox == []


def test_a_run_for_chosen_accounts_drafts_only_theirs(api, organization, other_organization,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    from accounts.models import Account

    second = owing_account(organization, days_overdue=70, name="Contoso", email="ap@contoso.example")
    theirs = owing_account(other_organization, days_overdue=70, name="Theirs", email="ap@theirs.example")
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post(reverse("api:run-list"), {"accounts": [second.pk]}, format="json")

    assert run.status_code == 201
    assert list(EmailDraft.objects.values_list("account__account_name", flat=True)) == ["Contoso"]
    refused = api.post(reverse("api:run-list"), {"accounts": [theirs.pk]}, format="json")
    assert refused.status_code == 400 and str(theirs.pk) in refused.json()["error"]["message"]
    assert Account.objects.filter(organization=organization).count() == 2


def test_a_draft_still_sending_cannot_be_declared_sent(api, django_capture_on_commit_callbacks):
    draft_id = _approved_draft(api, django_capture_on_commit_callbacks, ending_in=EmailDraft.Status.SENDING)

    response = api.post(reverse("api:draft-resolve", args=[draft_id]), {"was_sent": True})

    assert response.status_code == 409 and "unknown" in response.json()["error"]["message"]
    assert EmailDraft.objects.get().status == EmailDraft.Status.SENDING


def test_the_services_refuse_to_resend_or_resolve_out_of_turn(api, collector, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from escalation.delivery.services import draft_resolve_unknown, draft_retry

    draft_id = _approved_draft(api, django_capture_on_commit_callbacks, ending_in=EmailDraft.Status.SENDING)
    draft = EmailDraft.objects.get(pk=draft_id)

    with pytest.raises(ValidationError, match="Only a failed draft"):
        draft_retry(draft=draft, actor=collector)
    with pytest.raises(ValidationError, match="unknown is resolved"):
        draft_resolve_unknown(draft=draft, actor=collector, was_sent=True)
    assert EmailDraft.objects.get().status == EmailDraft.Status.SENDING and mail.outbox == []
