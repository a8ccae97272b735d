"""Fixtures shared by every app's tests: two organizations and a user of each role."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_create
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from finemanwest.celery import app

pytest_plugins = ["devtools.pytest_plugin"]  # fake_anthropic: a local Messages API for the real SDK

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
        _, secret = api_token_create(user=user, name="tests")
        api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return api

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit histories and cached lookups never leak between tests."""
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path


@pytest.fixture
def celery_worker_queue():
    """Start `celery worker` as its own process on a private queue, pointed at the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: PostgreSQL")
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finemanwest.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": settings.MEDIA_ROOT,  # uploads are shared storage between web and workers
    }
    worker = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "finemanwest",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )
    # Tasks queued with .delay() go to the worker's private queue while the test runs.
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = True, "celery"
        worker.terminate()
        worker.wait(timeout=30)
