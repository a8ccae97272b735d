"""Two accounts that turn out to be one customer are merged, and later imports follow the merge."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account, AccountAlias, AuditEvent, Contact
from accounts.services import account_merge
from accounts.tests.factories import AccountFactory, ContactFactory
from invoices.models import Invoice
from invoices.tests.factories import InvoiceFactory
from invoices.tests.import_helpers import canonical_row, import_file

pytestmark = pytest.mark.django_db


def test_merge_moves_invoices_and_contacts_and_leaves_an_alias(organization, collector):
    target = AccountFactory(organization=organization, client_id="ABB001", account_name="Abbey Fields School")
    source = AccountFactory(organization=organization, client_id="Abbey Fields", account_name="Abbey Fields")
    ContactFactory(account=target, email="bursar@abbey.example", is_billing=True)
    ContactFactory(account=source, email="bursar@abbey.example", is_billing=True)  # the same person
    ContactFactory(account=source, email="head@abbey.example", is_billing=False)
    InvoiceFactory(account=source, invoice_no="7781")

    account_merge(source=source, target=target, actor=collector)

    assert not Account.objects.filter(pk=source.pk).exists()
    assert Invoice.objects.get(invoice_no="7781").account == target
    assert sorted(target.contacts.values_list("email", "is_billing")) == [
        ("bursar@abbey.example", True),
        ("head@abbey.example", False),
    ]
    assert AccountAlias.objects.get(client_id="Abbey Fields").account == target
    event = AuditEvent.objects.get(action="account.merged")
    assert event.payload["merged_client_id"] == "Abbey Fields" and event.actor == collector


def test_next_import_of_the_old_client_id_lands_on_the_merged_account(organization):
    target = AccountFactory(organization=organization, client_id="C-1", account_name="Northwind Traders")
    source = AccountFactory(organization=organization, client_id="Northwind", account_name="Northwind")
    account_merge(source=source, target=target)
    row = canonical_row("Northwind", "Northwind", "ap@northwind.example", "INV-9", "2025-01-10", "99.00", "2025-02-28")
    batch = import_file(organization, [row])
    assert batch.result["accounts"] == {"new": 0, "changed": 0, "unchanged": 1}
    assert Account.objects.filter(organization=organization).count() == 1
    assert Invoice.objects.get(invoice_no="INV-9").account == target
    assert Contact.objects.get(email="ap@northwind.example").account == target
    target.refresh_from_db()
    assert target.account_name == "Northwind Traders"


def test_merge_across_organizations_or_into_itself_is_refused(organization, other_organization):
    ours = AccountFactory(organization=organization)
    theirs = AccountFactory(organization=other_organization)
    with pytest.raises(ValidationError):
        account_merge(source=theirs, target=ours)
    with pytest.raises(ValidationError):
        account_merge(source=ours, target=ours)


def test_collector_merges_from_the_account_page(client_for, collector, organization):
    target = AccountFactory(organization=organization, client_id="C-1")
    source = AccountFactory(organization=organization, client_id="C-1-dup")
    client = client_for(collector)
    page = client.get(reverse("account-detail", args=[source.pk])).content.decode()
    assert "Merge into another account" in page
    response = client.post(reverse("account-merge", args=[source.pk]), {"target": target.client_id})
    assert response.status_code == 302 and response["Location"] == reverse("account-detail", args=[target.pk])
    assert not Account.objects.filter(pk=source.pk).exists()


def test_viewer_cannot_merge_and_nobody_can_merge_into_another_organization(
    client_for, viewer, collector, organization, other_organization
):
    source = AccountFactory(organization=organization)
    theirs = AccountFactory(organization=other_organization)
    url = reverse("account-merge", args=[source.pk])
    assert client_for(viewer).post(url, {"target": theirs.client_id}).status_code == 403
    response = client_for(collector).post(url, {"target": theirs.client_id})
    assert response.status_code == 200 and "No other account has the client ID" in response.content.decode()
    assert Account.objects.filter(pk=source.pk).exists()


def _history(organization, account, *, degree=2, snapshot_date=None):
    """A sent draft, a note and a promise on ``account``: what a collector sees on its timeline."""
    import datetime

    from escalation.models import EmailDraft, Note, PromiseToPay
    from escalation.tests.ledger import AS_OF, active_templates
    from templates_app.models import EmailTemplate

    if not EmailTemplate.objects.filter(organization=organization).exists():
        active_templates(organization)
    draft = EmailDraft.objects.create(
        organization=organization, account=account, snapshot_date=snapshot_date or AS_OF, degree=degree,
        template=EmailTemplate.objects.filter(organization=organization).first(), recipient_email="ap@x.example",
        status=EmailDraft.Status.SENT, subject="Past due",
    )  # fmt: skip
    Note.objects.create(organization=organization, account=account, text="Called, promised to pay")
    PromiseToPay.objects.create(organization=organization, account=account, amount=100,
                                promised_date=datetime.date(2030, 1, 1))  # fmt: skip
    return draft


def test_merge_moves_drafts_notes_and_promises(organization, collector):
    target = AccountFactory(organization=organization, client_id="C-1")
    source = AccountFactory(organization=organization, client_id="C-1-dup")
    draft = _history(organization, source)

    account_merge(source=source, target=target, actor=collector)

    draft.refresh_from_db()
    assert draft.account == target
    assert target.notes.count() == 1 and target.promises.count() == 1
    assert AuditEvent.objects.get(action="account.merged").payload["moved"] == {
        "emaildraft": 1,
        "note": 1,
        "promisetopay": 1,
    }


def test_merge_of_two_accounts_with_the_same_draft_is_refused_clearly(organization, client_for, collector,
                                                                       api_client_for):  # fmt: skip
    target = AccountFactory(organization=organization, client_id="C-1")
    source = AccountFactory(organization=organization, client_id="C-1-dup")
    _history(organization, target)
    _history(organization, source)  # the same degree for the same aging report: one of them must go first

    with pytest.raises(ValidationError, match="same snapshot date and degree"):
        account_merge(source=source, target=target)
    page = client_for(collector).post(reverse("account-merge", args=[source.pk]), {"target": "C-1"})
    assert page.status_code == 200 and "cannot be merged" in page.content.decode()
    api = api_client_for(collector).post(reverse("api:account-merge", args=[source.pk]), {"into": target.pk})
    assert (
        api.status_code == 409
        and api.json()["error"]["code"] == "conflict"
        and "same snapshot date and degree" in api.json()["error"]["message"]
    )
    assert Account.objects.filter(pk=source.pk).exists() and source.email_drafts.count() == 1


def test_merge_with_drafts_works_from_the_page_and_the_api(organization, client_for, collector, api_client_for):
    target = AccountFactory(organization=organization, client_id="C-1")
    first = AccountFactory(organization=organization, client_id="C-1-a")
    second = AccountFactory(organization=organization, client_id="C-1-b")
    _history(organization, first, degree=1)
    _history(organization, second, degree=3)

    response = client_for(collector).post(reverse("account-merge", args=[first.pk]), {"target": "C-1"})
    assert response.status_code == 302
    response = api_client_for(collector).post(reverse("api:account-merge", args=[second.pk]), {"into": target.pk})
    assert response.status_code == 200
    assert sorted(target.email_drafts.values_list("degree", flat=True)) == [1, 3]
