"""Long lists in import errors name the first few and count the rest: what a user reads (and what the database
and the API answer hold) stays a few hundred bytes however wide the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.models import ImportBatch

pytestmark = pytest.mark.django_db


def _upload(api, columns: int):
    header = ",".join(f"Column {number}" for number in range(columns))
    row = ",".join("x" for _ in range(columns))
    data = f"{header}\n{row}\n".encode()
    return api.post(reverse("api:import-list"), {"file": SimpleUploadedFile("wide.csv", data)}, format="multipart")


def test_a_100000_column_file_is_refused_with_a_short_message(api_client_for, collector):
    response = _upload(api_client_for(collector), 100_000)

    assert response.status_code == 400
    assert len(response.content) < 5_000
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert "100,000 columns" in batch.failure and len(batch.failure) < 300
    assert batch.headers == []  # not offered for mapping: nobody maps 100,000 columns by hand


def test_an_unknown_layout_names_its_first_columns_and_counts_the_rest(api_client_for, collector):
    response = _upload(api_client_for(collector), 45)

    assert response.json()["error"]["code"] == "import_needs_mapping"
    batch = ImportBatch.objects.get()
    assert "Column 0, Column 1" in batch.failure and "Column 19 and 25 more" in batch.failure
    assert "Column 20" not in batch.failure
    assert len(batch.headers) == 45  # all of them, for the mapping form
