"""Fixtures shared by every app's tests: two organizations and a user of each role."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Riverbend Office Supply", slug="riverbend")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Harlow Industrial", slug="harlow")


def _member(organization, role):
    return MembershipFactory(organization=organization, role=role).user


@pytest.fixture
def viewer(organization):
    return _member(organization, Role.VIEWER)


@pytest.fixture
def collector(organization):
    return _member(organization, Role.COLLECTOR)


@pytest.fixture
def ar_admin(organization):
    return _member(organization, Role.AR_ADMIN)


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client, logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_client_for(db):
    """``api_client_for(user)``: an API client authenticated with the user's token, as integrations are."""

    def make(user):
        api = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
