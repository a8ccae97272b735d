"""Integrations import through the API with the same validation as the pages."""

import pytest
from django.urls import reverse

from invoices.models import ImportBatch, Invoice
from invoices.tests.import_helpers import FEBRUARY, canonical_file

pytestmark = pytest.mark.django_db


def test_dry_run_returns_the_preview_and_imports_nothing(api_client_for, collector):
    response = api_client_for(collector).post(
        reverse("api:import-list") + "?dry_run=1", {"file": canonical_file(FEBRUARY)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed" and body["can_confirm"]
    assert body["preview"]["invoices"]["new"] == 4
    assert not Invoice.objects.exists()

    confirmed = api_client_for(collector).post(reverse("api:import-confirm", args=[body["id"]]))
    assert confirmed.json()["status"] == "completed"
    assert Invoice.objects.count() == 4


def test_post_without_dry_run_imports_a_clean_file_at_once(api_client_for, collector):
    response = api_client_for(collector).post(
        reverse("api:import-list"), {"file": canonical_file(FEBRUARY)}, format="multipart"
    )
    assert response.json()["status"] == "completed"
    status = api_client_for(collector).get(reverse("api:import-detail", args=[response.json()["id"]]))
    assert status.json()["result"]["invoices"]["new"] == 4


def test_a_bad_file_is_a_400_with_the_row_errors(api_client_for, collector):
    bad = canonical_file([FEBRUARY[0].replace("4820.00,4820.00", "4820.00,lots", 1)])
    response = api_client_for(collector).post(reverse("api:import-list"), {"file": bad}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_rejected" and "nothing was imported" in error["message"]
    issue = error["details"]["import"]["issues"][0]
    assert (issue["line"], issue["column"], issue["value"]) == (2, "total_outstanding", "lots")
    assert ImportBatch.objects.get().status == "rejected"


def test_viewer_token_cannot_import(api_client_for, viewer):
    response = api_client_for(viewer).post(
        reverse("api:import-list"), {"file": canonical_file(FEBRUARY)}, format="multipart"
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_confirming_or_remapping_an_imported_file_is_a_409_conflict(api_client_for, collector):
    """The request was right; the import's state is what refuses it (409, not a 400 asking to fix the body)."""
    api = api_client_for(collector)
    batch_id = api.post(reverse("api:import-list"), {"file": canonical_file(FEBRUARY)}, format="multipart").json()["id"]

    again = api.post(reverse("api:import-confirm", args=[batch_id]))
    assert again.status_code == 409, again.content
    assert again.json()["error"]["code"] == "conflict" and "cannot be confirmed" in again.json()["error"]["message"]
    remap = api.post(reverse("api:import-mapping", args=[batch_id]), {"column_mapping": {"account_name": "Customer"}},
                     format="json")  # fmt: skip
    assert remap.status_code == 409 and "no longer be re-read" in remap.json()["error"]["message"]
    assert Invoice.objects.count() == 4
