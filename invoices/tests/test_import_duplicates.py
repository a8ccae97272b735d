"""Repeated invoice numbers told apart, the choice to leave conflicting rows out, and look-alike accounts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account
from invoices.import_services import import_batch_confirm, import_batch_create
from invoices.models import ImportBatch, Invoice
from invoices.tests.import_helpers import canonical_file, canonical_row, import_file

pytestmark = pytest.mark.django_db
AS_OF = "2025-02-28"
NORTHWIND = canonical_row("C-1", "Northwind Traders", "ap@northwind.example", "INV-1", "2025-01-10", "500.00", AS_OF)
OTHER = canonical_row("C-2", "Blue Heron Dental", "billing@blueheron.example", "INV-2", "2025-01-12", "80.00", AS_OF)


def _errors(batch):
    return [i for i in batch.issues if i["severity"] == "error"]


def test_an_exact_repeat_is_skipped_with_a_warning(organization):
    batch = import_file(organization, [NORTHWIND, OTHER, NORTHWIND])
    assert batch.status == ImportBatch.Status.COMPLETED, batch.issues
    [warning] = batch.issues
    assert (warning["line"], warning["severity"], warning["value"]) == (4, "warning", "INV-1")
    assert "exact repeat of line 2" in warning["message"]
    assert Invoice.objects.filter(organization=organization).count() == 2
    assert batch.result["invoices"]["new"] == 2


def test_a_repeat_with_other_figures_is_an_error_showing_both_lines(organization):
    changed = NORTHWIND.replace(",500.00,500.00,", ",500.00,450.00,")
    batch = import_file(organization, [NORTHWIND, OTHER, changed], confirm=False)
    [error] = _errors(batch)
    assert (error["line"], error["column"], error["value"]) == (4, "invoice_no", "INV-1")
    assert "line 2: Northwind Traders (C-1)" in error["message"] and "open balance 500.00" in error["message"]
    assert "line 4: Northwind Traders (C-1)" in error["message"] and "open balance 450.00" in error["message"]
    assert not batch.can_confirm  # all or nothing is the default
    with pytest.raises(ValidationError):
        import_batch_confirm(batch=batch)
    assert not Invoice.objects.filter(organization=organization).exists()


def test_the_same_number_under_another_customer_names_both(organization):
    elsewhere = canonical_row("C-9", "Greystone Partners", "", "INV-1", "2025-01-10", "500.00", AS_OF)
    batch = import_file(organization, [NORTHWIND, elsewhere], confirm=False)
    [error] = _errors(batch)
    assert error["line"] == 3
    assert (
        "'Greystone Partners' (C-9)" in error["message"] and "'Northwind Traders' (C-1) on line 2" in error["message"]
    )


def test_the_collector_may_import_the_other_rows_and_leave_the_conflicting_ones_out(organization):
    elsewhere = canonical_row("C-9", "Greystone Partners", "", "INV-1", "2025-01-10", "500.00", AS_OF)
    batch = import_file(organization, [NORTHWIND, OTHER, elsewhere], confirm=False)
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.can_confirm_leaving_out
    assert batch.preview["leave_out"] == {"count": 2, "others": 1, "lines": [2, 4]}
    batch = import_batch_confirm(batch=batch, leave_out=True)
    assert batch.status == ImportBatch.Status.COMPLETED
    assert list(Invoice.objects.filter(organization=organization).values_list("invoice_no", flat=True)) == ["INV-2"]
    assert batch.result["left_out"]["lines"] == [2, 4]
    assert len(_errors(batch)) == 1  # the left-out rows stay in the report


def test_no_choice_is_offered_when_other_rows_cannot_be_read(organization):
    unreadable = canonical_row("C-3", "Kestrel", "", "INV-3", "2025-01-10", "10.00", AS_OF).replace("2025-01-10", "x")
    changed = NORTHWIND.replace(",500.00,500.00,", ",500.00,450.00,")
    batch = import_file(organization, [NORTHWIND, changed, unreadable], confirm=False)
    assert batch.status == ImportBatch.Status.REJECTED and not batch.can_confirm_leaving_out


def test_the_preview_page_offers_the_choice_and_keeps_the_report(client_for, collector, organization):
    client = client_for(collector)
    changed = NORTHWIND.replace(",500.00,500.00,", ",500.00,450.00,")
    batch = import_batch_create(organization=organization, uploaded_by=collector,
                                file=canonical_file([NORTHWIND, OTHER, changed]), file_name="aging.csv")  # fmt: skip
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "Import the other 1 row and leave these 2 out" in page
    client.post(reverse("import-confirm", args=[batch.pk]), {"leave_out": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMPLETED
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "2 rows with errors were left out by choice (lines 2, 4)" in page
    assert "repeated with other figures" in page


def test_possible_duplicate_accounts_are_listed_with_a_link_to_merge_after_import(client_for, collector, organization):
    rows = [
        canonical_row("GP-1", "Greystone Partners", "ap@greystone.example", "INV-10", "2025-01-10", "10.00", AS_OF),
        canonical_row("GP-2", "Greystone Partners LLC", "", "INV-11", "2025-01-10", "20.00", AS_OF),
        canonical_row("H-1", "Harbour Dental", "amy@harbourdental.example", "INV-12", "2025-01-10", "30.00", AS_OF),
        canonical_row("H-2", "Harbour Dental Care", "bo@harbourdental.example", "INV-13", "2025-01-10", "40.00", AS_OF),
        # People's mail domains say nothing about the business.
        canonical_row("P-1", "Pat Doe", "pat@gmail.com", "INV-14", "2025-01-10", "50.00", AS_OF),
        canonical_row("P-2", "Sam Roe", "sam@gmail.com", "INV-15", "2025-01-10", "60.00", AS_OF),
    ]
    batch = import_file(organization, rows, confirm=False)
    found = batch.preview["possible_duplicate_accounts"]
    assert found["count"] == 2
    assert [(g["reason"], [a["client_id"] for a in g["accounts"]]) for g in found["groups"]] == [
        ("same email domain harbourdental.example", ["H-1", "H-2"]),
        ("same name", ["GP-1", "GP-2"]),
    ]
    client = client_for(collector)
    assert "Possible duplicate accounts" in client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    client.post(reverse("import-confirm", args=[batch.pk]))
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    greystone = Account.objects.get(organization=organization, client_id="GP-1")
    assert f'href="{reverse("account-detail", args=[greystone.pk])}#merge"' in page
    # A second month with the same accounts raises them no more: the collector has seen them.
    again = [r.replace(AS_OF, "2025-03-31") for r in rows]
    assert import_file(organization, again, confirm=False).preview["possible_duplicate_accounts"]["count"] == 0
