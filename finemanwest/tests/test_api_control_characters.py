"""Every JSON body of the API refuses NUL and other control characters, in keys and strings, with a 400 in
the API's error shape; tabs and line breaks stay allowed."""

import json

import pytest
from django.urls import reverse

from accounts.models import Account
from invoices.models import ImportBatch
from invoices.tests.test_column_mapping import MAPPING, _upload

pytestmark = pytest.mark.django_db


def _post(api, url, body):
    return api.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f"])
def test_a_control_character_in_a_string_is_a_400_naming_the_field(api_client_for, ar_admin, bad):
    response = _post(api_client_for(ar_admin), "/api/accounts/", {"client_id": "K-1", "account_name": f"Kestrel{bad}"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith("account_name: Control characters")
    assert list(error["details"]) == ["account_name"]
    assert not Account.objects.exists()


def test_tabs_and_line_breaks_are_text_not_control_characters(api_client_for, ar_admin):
    response = _post(
        api_client_for(ar_admin), "/api/accounts/", {"client_id": "K-1", "account_name": "Kestrel\tLogistics\r\n"}
    )
    assert response.status_code == 201, response.json()


def test_a_nul_in_a_column_mapping_key_is_a_400_not_a_500(client_for, api_client_for, collector):
    batch = _upload(client_for(collector))
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    mapping = {**MAPPING, "client\x00_id": "Cust Code"}

    response = _post(api_client_for(collector), f"/api/imports/{batch.pk}/mapping/", {"mapping": mapping})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "mapping.client?_id": ["Control characters (such as NUL) are not allowed."]
    }
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING


def test_nested_lists_are_searched_too(api_client_for, ar_admin):
    response = _post(
        api_client_for(ar_admin), reverse("api:account-list"), {"client_id": "K-1", "tags": [["ok", "b\x00d"]]}
    )
    assert response.status_code == 400
    assert "tags[0][1]" in response.json()["error"]["details"]


def test_many_bad_keys_name_the_first_20_and_count_the_rest(api_client_for, ar_admin):
    body = {f"key{number}\x00": "x" for number in range(10_000)}

    response = _post(api_client_for(ar_admin), reverse("api:account-list"), body)

    assert response.status_code == 400 and len(response.content) < 3_000
    details = response.json()["error"]["details"]
    assert len(details) == 21
    assert details["non_field_errors"] == ["9,980 more keys or strings hold control characters."]
