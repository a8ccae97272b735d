"""People: an AR admin invites a colleague (a one-time set-password link), changes roles, deactivates; nobody else."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def _invite(client, django_capture_on_commit_callbacks, **fields):
    form = {"email": "Sam.New@Example.com", "first_name": "Sam", "last_name": "New", "role": Role.COLLECTOR, **fields}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("person-invite"), form, follow=True)


def test_an_invited_colleague_sets_a_password_and_lands_on_the_worklist(
    client_for, client, ar_admin, organization, django_capture_on_commit_callbacks
):
    response = _invite(client_for(ar_admin), django_capture_on_commit_callbacks)
    assert "Invitation sent to sam.new@example.com, as Collector" in response.content.decode()
    membership = Membership.objects.get(user__username="sam.new@example.com")
    assert membership.organization == organization and membership.role == Role.COLLECTOR
    assert not membership.user.has_usable_password()
    assert "Invited, no password yet" in response.content.decode()

    (email,) = mail.outbox
    assert email.to == ["sam.new@example.com"] and organization.name in email.subject
    link = re.search(r"https?://\S+", email.body).group(0)
    client.logout()
    form_page = client.get(link, follow=True)  # Django swaps the token for a session key, then shows the form
    new = "a brand new long passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    login = client.post(reverse("login"), {"username": "sam.new@example.com", "password": new}, follow=True)
    assert login.redirect_chain[-1][0] == reverse("worklist")
    assert client.get(link).context["validlink"] is False  # the link works once


def test_an_address_that_already_has_a_login_is_refused(client_for, ar_admin, collector,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    collector.email = "taken@example.com"
    collector.save()
    response = _invite(client_for(ar_admin), django_capture_on_commit_callbacks, email="taken@example.com")
    assert "taken@example.com already has a login." in response.content.decode()
    assert not mail.outbox


def test_roles_change_and_people_are_deactivated(client_for, ar_admin, collector):
    client = client_for(ar_admin)
    membership = collector.membership
    client.post(reverse("person-change", args=[membership.pk]), {"action": "role", "role": Role.VIEWER})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    response = client.post(reverse("person-change", args=[membership.pk]), {"action": "deactivate"}, follow=True)
    collector.refresh_from_db()
    assert not collector.is_active and "can no longer log in" in response.content.decode()


def test_the_last_ar_admin_cannot_step_down_or_deactivate_themselves(client_for, ar_admin):
    client = client_for(ar_admin)
    membership = ar_admin.membership
    response = client.post(reverse("person-change", args=[membership.pk]), {"action": "role", "role": Role.VIEWER},
                           follow=True)  # fmt: skip
    assert "at least one active AR admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.AR_ADMIN
    client.post(reverse("person-change", args=[membership.pk]), {"action": "deactivate"})
    ar_admin.refresh_from_db()
    assert ar_admin.is_active


def test_only_ar_admins_manage_people_and_only_their_own(client_for, collector, ar_admin, other_organization):
    from accounts.tests.factories import MembershipFactory

    assert client_for(collector).get(reverse("people")).status_code == 403
    assert client_for(collector).post(reverse("person-invite"), {"email": "x@example.com"}).status_code == 403
    theirs = MembershipFactory(organization=other_organization, role=Role.COLLECTOR)
    response = client_for(ar_admin).post(reverse("person-change", args=[theirs.pk]), {"action": "deactivate"})
    assert response.status_code == 404
