"""The API refuses what its schema does not allow, instead of quietly reading something else: unknown body
fields, JSON values of another type, query values django-filter or DRF would ignore."""

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(organization):
    return AccountFactory(organization=organization)


def test_an_unknown_body_field_is_a_400_naming_it(api_client_for, ar_admin):
    response = api_client_for(ar_admin).post(
        reverse("api:account-list"), {"client_id": "K-1", "account_name": "Kestrel", "acount_paused": True}
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"acount_paused": ["No such field."]}
    assert not Account.objects.exists()


@pytest.mark.parametrize("field, value", [("escalation_paused", 0), ("account_name", 5), ("currency", "XYZ")])
def test_a_value_of_another_type_than_the_schema_says_is_a_400(api_client_for, ar_admin, field, value):
    body = {"client_id": "K-1", "account_name": "Kestrel", field: value}
    response = api_client_for(ar_admin).post(reverse("api:account-list"), body)
    assert response.status_code == 400 and field in response.json()["error"]["details"]


def test_the_client_id_cannot_be_patched(api_client_for, ar_admin, account):
    response = api_client_for(ar_admin).patch(reverse("api:account-detail", args=[account.pk]), {"client_id": "X"})
    assert response.status_code == 400 and "client_id" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "query",
    [
        "escalation_paused=null",
        "page_size=0",
        "page_size=abc",
        "page_size=501",
        "page_size=5&page_size=6",
        "fields=id,,client_id",
    ],
)
def test_query_values_the_schema_refuses_are_a_400_not_ignored(api_client_for, ar_admin, query):
    response = api_client_for(ar_admin).get(f"{reverse('api:account-list')}?{query}")
    assert response.status_code == 400, response.content


def test_an_id_filter_that_matches_nothing_is_an_empty_page(api_client_for, ar_admin, account):
    response = api_client_for(ar_admin).get(reverse("api:contact-list"), {"account": 987654})
    assert response.status_code == 200 and response.json()["results"] == []
    assert api_client_for(ar_admin).get(reverse("api:contact-list"), {"account": "1.5"}).status_code == 400


def test_an_id_with_a_space_before_it_names_no_object(api_client_for, ar_admin, account):
    """Found by schemathesis on a live server: int() reads "\u00a03" as 3."""
    api = api_client_for(ar_admin)
    assert api.get(f"/api/accounts/{account.pk}/").status_code == 200
    for spelled in (f"%C2%A0{account.pk}", f"%20{account.pk}", "abc"):
        response = api.get(f"/api/accounts/{spelled}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
