"""Templates are edited by writing new versions; exactly one version of each is active."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent, ImmutableRowError
from templates_app.models import EmailTemplate
from templates_app.services import template_version_activate, template_version_create
from templates_app.tests.factories import EmailTemplateFactory, template_data

pytestmark = pytest.mark.django_db


def test_editing_writes_version_two_and_keeps_version_one_as_it_was(organization, ar_admin):
    first = template_version_create(
        organization=organization, identifier="friendly-reminder", data=template_data(), actor=ar_admin, activate=True
    )
    second = template_version_create(
        organization=organization, identifier="friendly-reminder", data=template_data(tone="warm"), actor=ar_admin
    )
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.data["tone"] == "friendly" and second.data["tone"] == "warm"
    assert first.is_active and not second.is_active  # a new version is not used until activated
    assert second.created_by == ar_admin


def test_activating_switches_the_active_version(organization, ar_admin):
    v1 = template_version_create(
        organization=organization, identifier="final-notice", data=template_data(), activate=True
    )
    v2 = template_version_create(organization=organization, identifier="final-notice", data=template_data(tone="final"))
    template_version_activate(template=v2, actor=ar_admin)
    active = EmailTemplate.objects.filter(organization=organization, identifier="final-notice", is_active=True)
    assert list(active) == [v2]
    v1.refresh_from_db()
    assert not v1.is_active
    event = AuditEvent.objects.filter(action="template.version_activated").first()
    assert event.payload == {"identifier": "final-notice", "version": 2, "previous_version": 1}
    assert event.actor == ar_admin


def test_versions_are_numbered_per_organization(organization, other_organization):
    template_version_create(organization=organization, identifier="firm-reminder", data=template_data())
    theirs = template_version_create(organization=other_organization, identifier="firm-reminder", data=template_data())
    assert theirs.version == 1


def test_database_allows_only_one_active_version_per_identifier(organization):
    EmailTemplateFactory(organization=organization, identifier="urgent", version=1, is_active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailTemplateFactory(organization=organization, identifier="urgent", version=2, is_active=True)
    EmailTemplateFactory(organization=organization, identifier="urgent", version=2, is_active=False)


def test_database_refuses_a_duplicate_version_number(organization):
    EmailTemplateFactory(organization=organization, identifier="urgent", version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailTemplateFactory(organization=organization, identifier="urgent", version=1)


def test_a_saved_version_cannot_be_edited_or_deleted(organization):
    template = template_version_create(organization=organization, identifier="friendly", data=template_data())
    template.data = template_data(subject="changed")
    with pytest.raises(ImmutableRowError):
        template.save()
    with pytest.raises(ImmutableRowError):
        EmailTemplate.objects.filter(pk=template.pk).update(data={})
    with pytest.raises(ImmutableRowError):
        template.delete()
    with pytest.raises(ImmutableRowError):
        EmailTemplate.objects.all().delete()
    template.refresh_from_db()
    assert template.data == template_data()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"subject": "x"}, "'tone' must be a string"),
        (template_data(required_elements="total due"), "'required_elements' must be a list"),
        (template_data(subject="  "), "'subject' must not be empty"),
        (template_data(colour="red"), "unknown keys: colour"),
    ],
)
def test_template_data_is_checked(organization, data, message):
    with pytest.raises(ValidationError, match=message):
        template_version_create(organization=organization, identifier="friendly", data=data)
    assert not EmailTemplate.objects.exists()
