"""The templates page for AR admins: versions with their diffs, a preview with a real account at the template's degree,
writing a version, and activating one in one click with a message saying what is now active."""

import pytest
from django.urls import reverse

from escalation.tests.ledger import TODAY, active_templates, allow_skipping, owing_account
from templates_app.models import EmailTemplate
from templates_app.services import template_version_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(organization):
    active_templates(organization)
    v1 = EmailTemplate.objects.get(organization=organization, identifier="firm-reminder")
    data = {**v1.data, "tone": "firm but fair"}
    v2 = template_version_create(organization=organization, identifier="firm-reminder", data=data)
    return v1, v2


def test_versions_with_a_diff_against_the_one_before(client_for, ar_admin, templates):
    page = client_for(ar_admin).get(reverse("template-detail", args=["firm-reminder"]))
    html = page.content.decode()
    assert page.context["active"].version == 1
    assert '<span class="diff-del">-Tone: firm</span>' in html
    assert '<span class="diff-add">+Tone: firm but fair</span>' in html
    assert "Activate v2" in html and "Activate v1" not in html


def test_preview_uses_a_real_account_at_the_templates_degree(client_for, ar_admin, organization, templates,
                                                             monkeypatch):  # fmt: skip
    monkeypatch.setattr("workspace.template_views.timezone.localdate", lambda: TODAY)
    allow_skipping(organization)
    owing_account(organization, days_overdue=10, name="Young Debt")
    owing_account(organization, days_overdue=45, name="Degree Two Ltd", amount="300.00")  # firm-reminder: degree 2
    page = client_for(ar_admin).get(reverse("template-detail", args=["firm-reminder"]))
    assert page.context["degree"] == 2
    assert page.context["account"].account_name == "Degree Two Ltd"
    assert "$300.00" in page.context["preview"]["body"]  # its balance, not another account's


def test_activate_in_one_click_says_what_is_now_active(client_for, ar_admin, templates):
    v1, v2 = templates
    response = client_for(ar_admin).post(reverse("template-activate", args=["firm-reminder", 2]), follow=True)
    assert [m.message for m in response.context["messages"]] == [
        "firm-reminder v2 is now active (instead of v1): new emails use it."
    ]
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.is_active, v2.is_active) == (False, True)


def test_writing_a_version_says_whether_it_is_active(client_for, ar_admin, templates):
    form = {"subject": "New subject", "tone": "firm", "guidance": "", "required_elements": "total due",
            "sign_off": "Regards"}  # fmt: skip
    client = client_for(ar_admin)
    response = client.post(reverse("template-version-create", args=["firm-reminder"]), form, follow=True)
    assert [m.message for m in response.context["messages"]] == [
        "firm-reminder v3 written, not active: v1 is still the active one."
    ]
    response = client.post(reverse("template-version-create", args=["firm-reminder"]), {**form, "activate": "on"},
                           follow=True)  # fmt: skip
    assert "firm-reminder v4 written and now active" in response.content.decode()


def test_a_collector_reads_but_cannot_write_or_activate(client_for, collector, templates):
    client = client_for(collector)
    page = client.get(reverse("template-detail", args=["firm-reminder"]))
    assert page.status_code == 200 and "Activate v2" not in page.content.decode()
    assert client.post(reverse("template-activate", args=["firm-reminder", 2])).status_code == 403
    assert client.post(reverse("template-version-create", args=["firm-reminder"]), {}).status_code == 403


def test_another_organizations_template_is_not_found(client_for, ar_admin, other_organization):
    active_templates(other_organization)
    assert client_for(ar_admin).get(reverse("template-detail", args=["firm-reminder"])).status_code == 404
