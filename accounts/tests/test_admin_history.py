"""Back-office history pages do not tell an outsider which ids exist: forbidden and missing are both 404."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Account, Membership, Organization
from accounts.tests.factories import AccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _history(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[pk])


def test_another_organizations_record_and_a_missing_one_answer_the_same_404(
    client_for, ar_admin, organization, other_organization
):
    client = client_for(ar_admin)
    outsider = MembershipFactory(organization=other_organization)
    hidden = {  # ids that exist, of records an AR admin of Riverbend may not see
        Organization: other_organization.pk,
        Membership: outsider.pk,
        type(outsider.user): outsider.user.pk,
        Account: AccountFactory(organization=other_organization).pk,
    }
    for model, pk in hidden.items():
        forbidden, missing = client.get(_history(model, pk)), client.get(_history(model, 987654))
        assert (forbidden.status_code, missing.status_code) == (404, 404), model


def test_a_record_one_may_see_still_shows_its_history(client_for, ar_admin, organization):
    account = AccountFactory(organization=organization)
    response = client_for(ar_admin).get(_history(type(account), account.pk))
    assert response.status_code == 200 and "Change history" in response.content.decode()


def test_every_registered_admin_answers_a_missing_history_with_404(client_for, superuser):
    client = client_for(superuser)
    for model in admin.site._registry:
        assert client.get(_history(model, 987654)).status_code == 404, model
