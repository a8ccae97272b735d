"""A forgotten password: a one-time link by email sets a new one, from the login page, without a login."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a brand new long secret 77"


def _ask_for_a_link(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    return response


def _link_in(message) -> str:
    return re.search(r"https?://testserver(/password/reset/\S+/)", message.body).group(1)


def test_the_login_page_links_to_the_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_the_whole_reset_by_email(client, collector):
    _ask_for_a_link(client, collector.email)
    assert "Check your email" in client.get(reverse("password_reset_done")).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [collector.email] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Set a new password for Fineman West"
    # The link hides its token in the session at once (Django's guard against leaking it by Referer).
    form_page = client.get(_link_in(message), follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("password_reset_complete")
    assert "Password set" in client.get(done["Location"]).content.decode()

    assert client.post(reverse("login"), {"username": collector.username, "password": PASSWORD}).status_code == 200
    assert client.post(reverse("login"), {"username": collector.username, "password": NEW}).status_code == 302


def test_the_link_works_only_once(client, collector):
    _ask_for_a_link(client, collector.email)
    link = _link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    _ask_for_a_link(client, "nobody@nowhere.example")
    assert mail.outbox == []


def test_a_new_password_ends_the_login_lockout(client, collector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": collector.username, "password": "wrong guess"})
    assert client.post(reverse("login"), {"username": collector.username, "password": PASSWORD}).status_code == 429

    _ask_for_a_link(client, collector.email)
    form_page = client.get(_link_in(mail.outbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert client.post(reverse("login"), {"username": collector.username, "password": NEW}).status_code == 302
