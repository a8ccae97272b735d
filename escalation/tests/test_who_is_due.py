"""Who is due today, at which degree, and why the others are skipped."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from escalation.degree import Skip, accounts_due
from escalation.models import EmailDraft, EscalationPolicy
from escalation.policies import collection_settings_get, escalation_policy_default
from escalation.tests.ledger import AS_OF, TODAY, active_templates, allow_skipping, owing_account
from templates_app.models import EmailTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(organization):
    active_templates(organization)
    allow_skipping(organization)  # these tests map an age to its degree; no-skipping has its own
    return organization


def _due(organization):
    report = accounts_due(organization=organization, on_date=TODAY)
    return {d.account_name: d for d in report.due}, {s.account_name: s.reason for s in report.skipped}


@pytest.mark.parametrize(
    "days, degree",
    [(0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (120, 4), (121, 5), (400, 5)],
)
def test_degree_follows_the_oldest_days_overdue(ready, days, degree):
    owing_account(ready, days_overdue=days, name="Northwind")
    due, skipped = _due(ready)
    if degree == 0:
        assert skipped == {"Northwind": Skip.NOTHING_OVERDUE}
    else:
        assert due["Northwind"].degree == degree
        assert due["Northwind"].oldest_days_overdue == days


def test_without_due_dates_the_worst_bucket_gives_the_degree(ready):
    owing_account(ready, days_overdue=75, name="No due dates", due_date=False)
    due, _ = _due(ready)
    # 61-90 bucket on the snapshot date, plus the days since: at least 61 + 3.
    assert due["No due dates"].degree == 3 and due["No due dates"].oldest_days_overdue == 64


def test_each_skip_reason(ready):
    owing_account(ready, days_overdue=45, name="Paused", escalation_paused=True)
    owing_account(ready, days_overdue=45, name="Disputed", disputed=True)
    owing_account(ready, days_overdue=45, name="Tiny", amount="4.99")
    owing_account(ready, days_overdue=45, name="No email", email=None)
    suppressed = owing_account(ready, days_overdue=45, name="Bounced")
    suppressed.contacts.update(suppressed_at=timezone.now())
    drafted = owing_account(ready, days_overdue=45, name="Drafted")
    recent = owing_account(ready, days_overdue=15, name="Recently emailed")
    EmailDraft.objects.create(
        organization=ready, account=drafted, snapshot_date=AS_OF, degree=2, recipient_email="ap@customer.example",
        template=EmailTemplate.objects.get(identifier="firm-reminder"),
    )  # fmt: skip
    sent = EmailDraft.objects.create(
        organization=ready, account=recent, snapshot_date=datetime.date(2025, 1, 31), degree=1,
        recipient_email="ap@customer.example", template=EmailTemplate.objects.get(identifier="friendly-reminder"),
        status=EmailDraft.Status.SENT,
    )  # fmt: skip
    three_days_ago = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=3), datetime.time()))
    EmailDraft.objects.filter(pk=sent.pk).update(created_at=three_days_ago)
    owing_account(ready, days_overdue=45, name="Due")

    due, skipped = _due(ready)
    assert list(due) == ["Due"]
    assert skipped["Paused"] == Skip.PAUSED
    assert skipped["Disputed"] == Skip.ALL_DISPUTED
    assert skipped["Tiny"] == Skip.UNDER_TOLERANCE
    assert skipped["No email"] == Skip.NO_CONTACT
    assert skipped["Bounced"] == Skip.SUPPRESSED
    assert skipped["Drafted"] == Skip.ALREADY_DRAFTED
    assert skipped["Recently emailed"].startswith(Skip.COOLDOWN)


def test_missing_template_is_a_skip_reason(organization):
    owing_account(organization, days_overdue=45, name="Northwind")
    _, skipped = _due(organization)
    # 45 days reach degree 2, but nothing was sent yet: the first level's template is the one missing.
    assert skipped["Northwind"] == f"{Skip.NO_TEMPLATE} (friendly-reminder)"


def test_disputed_invoices_are_left_out_of_the_total(ready):
    account = owing_account(ready, days_overdue=45, name="Mixed", amount="500.00")
    from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

    disputed = InvoiceFactory(account=account, is_disputed=True, invoice_amount="900.00", total_outstanding="900.00")
    InvoiceAgingSnapshotFactory(invoice=disputed, snapshot_date=AS_OF, days_over_120="900.00", days_0_30="0")
    due, _ = _due(ready)
    assert str(due["Mixed"].total_due) == "500.00" and due["Mixed"].degree == 2


def test_an_account_with_every_invoice_disputed_shows_what_is_in_dispute(ready):
    account = owing_account(ready, days_overdue=75, name="All disputed", amount="900.00", disputed=True)
    from invoices.tests.factories import InvoiceAgingSnapshotFactory, InvoiceFactory

    newer = InvoiceFactory(account=account, is_disputed=True, invoice_amount="100.00", total_outstanding="100.00")
    InvoiceAgingSnapshotFactory(invoice=newer, snapshot_date=AS_OF, days_31_60="100.00", days_0_30="0")
    report = accounts_due(organization=ready, on_date=TODAY)
    (skipped,) = report.skipped
    assert skipped.reason == Skip.ALL_DISPUTED
    assert (skipped.oldest_days_overdue, str(skipped.total_due), skipped.degree) == (75, "1000.00", 3)


def test_only_the_invoices_of_the_latest_report_count(ready):
    from invoices.tests.import_helpers import FEBRUARY, MARCH, canonical_row, import_file

    def standing():
        report = accounts_due(organization=ready, on_date=datetime.date(2025, 4, 2))
        return report.snapshot_date, {a.account_name: a.total_due for a in [*report.due, *report.skipped]}

    import_file(ready, FEBRUARY)
    import_file(ready, MARCH[:1], is_complete_report=False)  # lists one invoice; the others stay open
    assert standing() == (datetime.date(2025, 3, 31), {"Northwind Traders": Decimal("1250.50")})
    older = [
        canonical_row("C-1", "Northwind Traders", "", "INV-2", "2025-01-06", "1250.50", "2025-01-31"),
        canonical_row("C-2", "Blue Heron Dental", "", "INV-3", "2024-11-20", "2310.00", "2025-01-31"),
    ]
    import_file(ready, older)
    assert standing() == (datetime.date(2025, 3, 31), {"Northwind Traders": Decimal("1250.50")})
    import_file(ready, MARCH[1:2], is_complete_report=False)  # the same date, one more invoice
    assert standing()[1] == {"Northwind Traders": Decimal("1250.50"), "Blue Heron Dental": Decimal("810.00")}


def test_an_invoice_saved_from_a_copy_loaded_before_the_latest_report_stays_in_it(ready):
    from invoices.tests.factories import InvoiceAgingSnapshotFactory

    account = owing_account(ready, days_overdue=45, name="Northwind")
    copy = account.invoices.get()
    InvoiceAgingSnapshotFactory(invoice=copy, snapshot_date=AS_OF + datetime.timedelta(days=1))
    copy.invoice_amount = copy.total_outstanding
    copy.save()
    due, _ = _due(ready)
    assert due["Northwind"].total_due == Decimal("1000.00")


def test_no_skipping_sends_the_lower_degree_first(ready):
    policy = escalation_policy_default(organization=ready)
    EscalationPolicy.objects.filter(pk=policy.pk).update(no_skipping=True)
    owing_account(ready, days_overdue=100, name="Never emailed")
    due, _ = _due(ready)
    # The page shows the degree the balance's age reaches; the email drafted is the first level's.
    assert (due["Never emailed"].degree, due["Never emailed"].email_degree) == (4, 1)


def test_approval_follows_the_organization_settings(ready):
    settings = collection_settings_get(organization=ready)
    settings.approval_required_degrees = [3, 4, 5]
    settings.save()
    escalation_policy_default(organization=ready).levels.update(requires_approval=False)
    owing_account(ready, days_overdue=10, name="Friendly")
    owing_account(ready, days_overdue=70, name="Urgent")
    due, _ = _due(ready)
    assert (due["Friendly"].requires_approval, due["Urgent"].requires_approval) == (False, True)


def test_query_count_does_not_grow_with_accounts(ready, django_assert_max_num_queries):
    for n in range(3):
        owing_account(ready, days_overdue=40 + n, name=f"A{n}", email=f"a{n}@x.example")
    accounts_due(organization=ready, on_date=TODAY)  # warm: default policy and settings now exist
    with django_assert_max_num_queries(15) as few:
        accounts_due(organization=ready, on_date=TODAY)
    for n in range(30):
        owing_account(ready, days_overdue=40 + n, name=f"B{n}", email=f"b{n}@x.example")
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = accounts_due(organization=ready, on_date=TODAY)
    assert len(report.due) == 33
