"""Logging in and out, and changing one's password."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_worklist_and_logout_returns_to_login(client, collector):
    response = client.post(reverse("login"), {"username": collector.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("worklist")  # a collector's first page
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, collector):
    response = client.post(reverse("login"), {"username": collector.username, "password": "nope"})
    assert response.status_code == 200 and "didn't match" in response.content.decode()


def test_password_change(client_for, collector):
    client = client_for(collector)
    new = "a much longer secret 42"
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = client.post(reverse("password_change"), form)
    assert response["Location"] == reverse("password_change_done")
    login = RequestFactory().post(reverse("login"))  # the lockout backend needs the request
    assert authenticate(login, username=collector.username, password="a much longer secret 42") is not None
