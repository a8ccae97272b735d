"""`manage.py demo_load` gives a newcomer a working organization to click through."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import RequestFactory

from accounts.demo import DEFAULT_TEMPLATES, demo_data_load
from accounts.models import Account, Contact, Role
from invoices.models import Invoice, InvoiceAgingSnapshot
from templates_app.models import EmailTemplate

pytestmark = pytest.mark.django_db


def _login_request():
    return RequestFactory().post("/login/")  # the lockout backend checks every login against its request


def test_demo_load_prints_a_login_that_works():
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    login_line = next(line for line in out.getvalue().splitlines() if line.startswith("Log in as"))
    username, password = login_line.removeprefix("Log in as").split(" / ")
    user = authenticate(_login_request(), username=username.strip(), password=password.strip())
    assert user is not None
    assert user.membership.role == Role.AR_ADMIN


def test_demo_data_is_a_realistic_ledger():
    result = demo_data_load(today=datetime.date(2026, 11, 29))
    organization = result.organization
    assert 24 <= Account.objects.filter(organization=organization).count() <= 60
    # Every account has exactly one billing contact with an email.
    billing = Contact.objects.filter(account__organization=organization, is_billing=True).exclude(email="")
    assert billing.count() == Account.objects.filter(organization=organization).count()
    # One active template per escalation degree.
    active = EmailTemplate.objects.filter(organization=organization, is_active=True)
    assert sorted(active.values_list("identifier", flat=True)) == sorted(DEFAULT_TEMPLATES)
    # Two month-end snapshots a month apart; some invoices were paid in between.
    dates = sorted(InvoiceAgingSnapshot.objects.values_list("snapshot_date", flat=True).distinct())
    assert dates == [datetime.date(2026, 9, 30), datetime.date(2026, 10, 31)]
    assert Invoice.objects.closed().exists() and Invoice.objects.open().exists()
    # Every bucket is used, and each snapshot adds up to its invoice's outstanding amount.
    latest = InvoiceAgingSnapshot.objects.filter(snapshot_date=datetime.date(2026, 10, 31))
    sums = latest.aggregate(*(Sum(name) for name in InvoiceAgingSnapshot.BUCKET_FIELDS))
    assert all(value > 0 for value in sums.values())
    for snapshot in latest.select_related("invoice"):
        assert snapshot.total == snapshot.invoice.total_outstanding
    assert not Invoice.objects.closed().filter(snapshots__snapshot_date=datetime.date(2026, 10, 31)).exists()


def test_demo_load_twice_keeps_one_copy_and_gives_a_new_password():
    first = demo_data_load()
    second = demo_data_load()
    assert (first.created, second.created) == (True, False)
    assert first.password != second.password
    assert authenticate(_login_request(), username="demo", password=first.password) is None
    assert authenticate(_login_request(), username="demo", password=second.password) is not None
    assert Account.objects.aggregate(n=Count("id"))["n"] == first.accounts


def test_demo_sample_file_imports_into_the_demo_organization(settings, tmp_path):
    from django.core.files import File

    from invoices.import_services import import_batch_confirm, import_batch_create

    settings.VAR_DIR = tmp_path
    result = demo_data_load(today=datetime.date(2026, 11, 29))
    with open(result.sample_file, "rb") as handle:
        batch = import_batch_create(organization=result.organization, uploaded_by=None,
                                    file=File(handle, name="sample.csv"), file_name="sample.csv")  # fmt: skip
    assert batch.can_confirm, (batch.failure, batch.issues[:3])
    assert batch.preview["invoices"]["new"] == 8 and batch.preview["invoices"]["to_close"] > 0
    batch = import_batch_confirm(batch=batch)
    assert batch.status == "completed"


# The invoice numbers and client IDs of the sample exports kept for trying the importer (written here, not read
# from them: the tests never read /work/shared).
SAMPLE_EXPORT_NUMBERS = {"CM-0031", "CM2207", "CN-0021", "CN88", "INV-0355", "INV-0412", "INV-0430", "INV-0488",
                         "INV-24017", "INV-24088", "INV-24155", "INV-24190", "INV-24201", "INV-24230", "INV-25002",
                         "INV-25011", "INV-25020"}  # fmt: skip


def test_demo_data_does_not_reuse_the_sample_exports_numbers_and_its_imports_match_the_dashboard():
    from invoices.models import AgingSnapshotTotal, ImportBatch

    result = demo_data_load(today=datetime.date(2026, 11, 29))
    numbers = set(Invoice.objects.filter(organization=result.organization).values_list("invoice_no", flat=True))
    assert numbers and not numbers & SAMPLE_EXPORT_NUMBERS
    assert not Account.objects.filter(organization=result.organization, client_id__startswith="C-").exists()
    batches = ImportBatch.objects.filter(organization=result.organization, status=ImportBatch.Status.COMPLETED)
    assert sorted(batches.values_list("as_of", flat=True)) == [datetime.date(2026, 9, 30), datetime.date(2026, 10, 31)]
    totals = AgingSnapshotTotal.objects.filter(organization=result.organization)
    assert {t.snapshot_date: t.invoice_count for t in totals} == {
        b.as_of: InvoiceAgingSnapshot.objects.filter(import_batch=b).count() for b in batches
    }
