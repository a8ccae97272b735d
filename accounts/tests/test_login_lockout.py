"""Guessing passwords: after a few wrong ones the login is locked, on the login page and the back office."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong guess"})


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_after_the_failure_limit_even_the_right_password_is_refused_with_a_lockout_message(client, ar_admin, url_name):
    url = reverse(url_name)
    _fail(client, url, ar_admin.username, settings.AXES_FAILURE_LIMIT)

    response = client.post(url, {"username": ar_admin.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still not logged in


def test_one_try_fewer_than_the_limit_still_logs_in_and_clears_the_count(client, collector):
    url = reverse("login")
    _fail(client, url, collector.username, settings.AXES_FAILURE_LIMIT - 1)

    assert client.post(url, {"username": collector.username, "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    _fail(client, url, collector.username, settings.AXES_FAILURE_LIMIT - 1)  # counted afresh, not locked
    assert client.post(url, {"username": collector.username, "password": PASSWORD}).status_code == 302


def test_the_lockout_of_one_user_does_not_lock_another(client, collector, viewer):
    _fail(client, reverse("login"), collector.username, settings.AXES_FAILURE_LIMIT)

    assert client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD}).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=10))
def test_the_lockout_ends_after_the_cool_off_time_of_the_settings(client, collector):
    url = reverse("login")
    _fail(client, url, collector.username, 3)
    assert client.post(url, {"username": collector.username, "password": PASSWORD}).status_code == 429

    # Nine minutes after the last try it still holds; eleven minutes after, it is over.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=9))
    assert client.post(url, {"username": collector.username, "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=11))
    assert client.post(url, {"username": collector.username, "password": PASSWORD}).status_code == 302
