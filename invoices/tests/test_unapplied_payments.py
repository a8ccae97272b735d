"""QuickBooks Online leaves `Num` empty on payments and journal entries: they import as unapplied credits/debits."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from accounts.models import Account
from invoices.import_services import import_batch_confirm, import_batch_create
from invoices.models import ImportBatch, Invoice

pytestmark = pytest.mark.django_db

# The QuickBooks Online 2026 layout: company first, title ending in "Report", sentence-case header starting with an
# empty cell, sections oldest first with an upper-case CURRENT, totals in the last column only, a timestamp footer.
JULY = """\
"Harbourline Marine Supply, LLC",,,,,,,
A/R Aging Detail Report,,,,,,,
"As of Jul 25, 2026",,,,,,,

,Date,Transaction type,Num,Customer full name,Due date,Amount,Open balance
91 or more days past due,,,,,,,
,02/03/2026,Invoice,1042,Cobalt Yachts,03/05/2026,"2,400.00","1,900.00"
,03/15/2026,Credit Memo,CM-7,Cobalt Yachts,03/15/2026,-150.00,-150.00
Total for 91 or more days past due,,,,,,,"1,750.00"
1 - 30 days past due,,,,,,,
,06/10/2026,Invoice,1107,Tidewater Charters,07/10/2026,980.00,980.00
,07/02/2026,Payment,,Tidewater Charters,07/02/2026,-300.00,-300.00
,07/05/2026,Journal Entry,,Cobalt Yachts,07/05/2026,-45.50,-45.50
Total for 1 - 30 days past due,,,,,,,634.50
CURRENT,,,,,,,
,07/20/2026,Invoice,1131,Tidewater Charters,08/19/2026,"1,250.00","1,250.00"
,07/21/2026,Payment,,Tidewater Charters,07/21/2026,-300.00,-300.00
Total for CURRENT,,,,,,,950.00
TOTAL,,,,,,,"3,334.50"
" Saturday, July 25, 2026 09:12 AM GMT-07:00",,,,,,,
"""


def _upload(organization, text, name="ar_aging.csv", **options):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return import_batch_create(organization=organization, uploaded_by=None, file=upload, file_name=name, **options)


def test_payments_without_a_number_are_unapplied_credits_and_the_totals_reconcile(organization):
    batch = _upload(organization, JULY)
    assert batch.status == ImportBatch.Status.PREVIEWED, (batch.failure, batch.issues)
    assert batch.error_count == 0
    assert batch.preview["unapplied"] == {"count": 3, "credits": "-645.50", "debits": "0.00"}
    assert batch.preview["bucket_totals"]["total_outstanding"] == "3334.50"  # the file's TOTAL row
    batch = import_batch_confirm(batch=batch)
    assert batch.status == ImportBatch.Status.COMPLETED

    unapplied = Invoice.objects.filter(organization=organization, kind=Invoice.Kind.UNAPPLIED)
    assert sorted(i.total_outstanding for i in unapplied) == [Decimal("-300.00"), Decimal("-300.00"), Decimal("-45.50")]
    assert {i.kind_label for i in unapplied} == {"Unapplied credit"}
    # Two payments of the same amount by the same customer on different days stay two rows.
    assert unapplied.values("invoice_no").distinct().count() == 3
    tidewater = Account.objects.get(organization=organization, client_id="Tidewater Charters")
    balance = tidewater.invoices.open().aggregate(total=Sum("total_outstanding"))["total"]
    assert balance == Decimal("1630.00")  # 980 + 1,250 - 300 - 300: the payments lower what is asked for
    # They are not invoices to chase.
    assert set(Invoice.objects.chaseable().values_list("invoice_no", flat=True)) == {"1042", "CM-7", "1107", "1131"}


def test_the_next_report_finds_the_same_unapplied_payment_again(organization):
    import_batch_confirm(batch=_upload(organization, JULY))
    # A month later the 07/02 payment is still unapplied (now 31-60 days) and part of it was used.
    august = (
        JULY.replace("As of Jul 25, 2026", "As of Aug 25, 2026")
        .replace(",07/02/2026,Payment,,Tidewater Charters,07/02/2026,-300.00,-300.00",
                 ",07/02/2026,Payment,,Tidewater Charters,07/02/2026,-300.00,-120.00")
        .replace("634.50", "814.50").replace('"3,334.50"', '"3,514.50"')
    )  # fmt: skip
    batch = import_batch_confirm(batch=_upload(organization, august, name="august.csv"))
    assert batch.status == ImportBatch.Status.COMPLETED, (batch.failure, batch.issues)
    assert batch.result["invoices"]["new"] == 0
    payment = Invoice.objects.get(organization=organization, kind=Invoice.Kind.UNAPPLIED, invoice_date="2026-07-02")
    assert payment.total_outstanding == Decimal("-120.00")
    assert payment.snapshots.count() == 2


def test_an_invoice_without_a_number_is_still_an_error(organization):
    batch = _upload(organization, JULY.replace(",06/10/2026,Invoice,1107,", ",06/10/2026,Invoice,,"))
    assert batch.status == ImportBatch.Status.REJECTED
    assert any(i["line"] == 11 and i["message"] == "missing invoice number" for i in batch.issues), batch.issues


def test_the_preview_and_the_account_page_say_what_they_are(client_for, collector, organization):
    client = client_for(collector)
    upload = SimpleUploadedFile("ar_aging.csv", JULY.encode(), content_type="text/csv")
    client.post(reverse("import-upload"), {"file": upload, "kind": "aging", "is_complete_report": "on"})
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "3 payments or journal entries without a number are imported as unapplied credits" in page
    assert "never chased" in page
    client.post(reverse("import-confirm", args=[batch.pk]))
    account = Account.objects.get(organization=organization, client_id="Cobalt Yachts")
    page = client.get(reverse("account-detail", args=[account.pk])).content.decode()
    assert "Unapplied credit" in page


SAGE = """\
Aged Debtors Analysis (Detailed)
Fenwick Boatyard Ltd
Report Date: 31/03/2025

A/C,Name,Type,Date,Ref,Due Date,Balance,Future,Current,Period 1,Period 2,Period 3,Older
HAL001,Halyard Rigging,SI,15/01/2025,7120,14/02/2025,1210.40,0.00,0.00,1210.40,0.00,0.00,0.00
HAL001,Halyard Rigging,SA,20/03/2025,,20/03/2025,-300.00,0.00,-300.00,0.00,0.00,0.00,0.00
,,,,,Totals:,910.40,0.00,-300.00,1210.40,0.00,0.00,0.00
"""


def test_a_sage_payment_on_account_without_a_reference_is_unapplied_too(organization):
    batch = _upload(organization, SAGE, name="aged_debtors.csv")
    assert batch.status == ImportBatch.Status.PREVIEWED, (batch.failure, batch.issues)
    assert batch.preview["unapplied"]["count"] == 1
    import_batch_confirm(batch=batch)
    payment = Invoice.objects.get(organization=organization, kind=Invoice.Kind.UNAPPLIED)
    assert (payment.account.client_id, payment.total_outstanding) == ("HAL001", Decimal("-300.00"))


def test_the_api_says_which_rows_are_unapplied_payments(api_client_for, collector, organization):
    import_batch_confirm(batch=_upload(organization, JULY))
    response = api_client_for(collector).get(reverse("api:invoice-list"), {"page_size": 100})
    kinds = {row["invoice_no"]: row["kind"] for row in response.json()["results"]}
    assert kinds["1042"] == "invoice"
    assert sorted(k for k in kinds.values() if k == "unapplied") == ["unapplied"] * 3
