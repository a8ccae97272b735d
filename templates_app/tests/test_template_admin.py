"""In the back office, saving a template writes a new version and activation is an explicit action."""

import pytest
from django.urls import reverse

from templates_app.models import EmailTemplate
from templates_app.services import template_version_create
from templates_app.tests.factories import template_data

pytestmark = pytest.mark.django_db


def _form(**overrides):
    form = {
        "identifier": "friendly-reminder",
        "subject": "Open balance",
        "tone": "friendly",
        "guidance": "Be kind.",
        "required_elements": "total due\neach invoice number\n",
        "sign_off": "Thanks",
    }
    form.update(overrides)
    return form


def test_adding_a_template_writes_version_one_in_the_users_organization(client_for, ar_admin, organization):
    response = client_for(ar_admin).post(reverse("admin:templates_app_emailtemplate_add"), _form(activate="on"))
    assert response.status_code == 302
    template = EmailTemplate.objects.get()
    assert (template.organization, template.version, template.is_active) == (organization, 1, True)
    assert template.data["required_elements"] == ["total due", "each invoice number"]


def test_saving_an_existing_version_writes_the_next_one(client_for, ar_admin, organization):
    v1 = template_version_create(organization=organization, identifier="friendly-reminder", data=template_data())
    client = client_for(ar_admin)
    page = client.get(reverse("admin:templates_app_emailtemplate_change", args=[v1.pk]))
    assert page.context["adminform"].form.initial["subject"] == v1.data["subject"]

    response = client.post(
        reverse("admin:templates_app_emailtemplate_change", args=[v1.pk]), _form(subject="Changed subject")
    )
    assert response.status_code == 302
    v1.refresh_from_db()
    v2 = EmailTemplate.objects.get(version=2)
    assert v1.data == template_data()  # untouched
    assert v2.data["subject"] == "Changed subject"
    assert v2.created_by == ar_admin


def test_activate_action_switches_the_active_version(client_for, ar_admin, organization):
    v1 = template_version_create(organization=organization, identifier="x", data=template_data(), activate=True)
    v2 = template_version_create(organization=organization, identifier="x", data=template_data(tone="firm"))
    client_for(ar_admin).post(
        reverse("admin:templates_app_emailtemplate_changelist"),
        {"action": "activate_version", "_selected_action": [v2.pk]},
    )
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.is_active, v2.is_active) == (False, True)


def test_template_versions_cannot_be_deleted_in_the_admin(client_for, ar_admin, organization):
    v1 = template_version_create(organization=organization, identifier="x", data=template_data())
    response = client_for(ar_admin).get(reverse("admin:templates_app_emailtemplate_delete", args=[v1.pk]))
    assert response.status_code == 403


def test_ticking_only_activate_activates_that_version_instead_of_copying_it(client_for, ar_admin, organization):
    data = template_data()
    template_version_create(organization=organization, identifier="friendly-reminder", data=data, activate=True)
    v2 = template_version_create(
        organization=organization, identifier="friendly-reminder", data=template_data(tone="firm")
    )
    form = _form(subject=v2.data["subject"], tone="firm", guidance=v2.data["guidance"],
                 required_elements="\n".join(v2.data["required_elements"]), sign_off=v2.data["sign_off"],
                 activate="on")  # fmt: skip
    response = client_for(ar_admin).post(reverse("admin:templates_app_emailtemplate_change", args=[v2.pk]), form,
                                         follow=True)  # fmt: skip
    assert EmailTemplate.objects.filter(identifier="friendly-reminder").count() == 2  # no identical v3
    v2.refresh_from_db()
    assert v2.is_active
    assert [m.message for m in response.context["messages"]] == ["friendly-reminder v2 is now the active version."]


def test_saving_a_new_inactive_version_says_it_is_not_active(client_for, ar_admin, organization):
    v1 = template_version_create(organization=organization, identifier="friendly-reminder", data=template_data())
    response = client_for(ar_admin).post(reverse("admin:templates_app_emailtemplate_change", args=[v1.pk]),
                                         _form(subject="Changed subject"), follow=True)  # fmt: skip
    assert "not active: tick Activate" in response.content.decode()
