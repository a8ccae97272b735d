from django.db import transaction

from accounts.models import Organization
from accounts.services import audit_event_record

from .models import EmailTemplate, validate_template_data


def _lock_organization(organization: Organization) -> None:
    # Serialises version numbering and activation within one organization, so two editors saving at
    # once get N+1 and N+2 instead of a constraint error. (SQLite serialises writers anyway.)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


@transaction.atomic
def template_version_create(
    *,
    organization: Organization,
    identifier: str,
    data: dict,
    actor=None,
    activate: bool = False,
) -> EmailTemplate:
    """Write version N+1 of ``identifier`` (version 1 when it is new). Existing versions stay as they are."""
    validate_template_data(data)
    _lock_organization(organization)
    latest = (
        EmailTemplate.objects.filter(organization=organization, identifier=identifier)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    template = EmailTemplate(
        organization=organization,
        identifier=identifier,
        version=(latest or 0) + 1,
        data=data,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    template.full_clean()
    template.save()
    audit_event_record(
        organization=organization,
        action="template.version_created",
        obj=template,
        actor=actor,
        payload={"identifier": identifier, "version": template.version},
    )
    if activate:
        template = template_version_activate(template=template, actor=actor)
    return template


@transaction.atomic
def template_version_activate(*, template: EmailTemplate, actor=None) -> EmailTemplate:
    """Make ``template`` the one active version of its identifier, in one step."""
    _lock_organization(template.organization)
    siblings = EmailTemplate.objects.filter(organization=template.organization, identifier=template.identifier)
    previous = siblings.active().exclude(pk=template.pk).values_list("version", flat=True).first()
    # Deactivate first: the partial unique constraint allows one active row at every moment.
    siblings.active().exclude(pk=template.pk).update(is_active=False)
    siblings.filter(pk=template.pk).update(is_active=True)
    template.refresh_from_db()
    audit_event_record(
        organization=template.organization,
        action="template.version_activated",
        obj=template,
        actor=actor,
        payload={"identifier": template.identifier, "version": template.version, "previous_version": previous},
    )
    return template
