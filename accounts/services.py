import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from finemanwest.conflicts import StateConflict

from .models import Account, AccountAlias, ApiToken, AuditEvent, Contact, Organization
from .tenancy import user_organization


def audit_event_record(
    *,
    organization: Organization,
    action: str,
    obj: models.Model | None = None,
    actor=None,
    payload: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` (None: the system) did ``action`` ("template.activated") to ``obj``."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        payload=payload or {},
    )


def _clean_and_save(obj: models.Model) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def account_create(
    *,
    organization: Organization,
    client_id: str,
    account_name: str,
    currency: str = "",
    escalation_paused: bool = False,
    actor=None,
) -> Account:
    account = Account(
        organization=organization,
        client_id=client_id.strip(),
        account_name=account_name.strip(),
        currency=currency or organization.default_currency,
        escalation_paused=escalation_paused,
    )
    _clean_and_save(account)
    audit_event_record(organization=organization, action="account.created", obj=account, actor=actor)
    return account


ACCOUNT_EDITABLE_FIELDS = {"account_name", "currency", "escalation_paused"}


@transaction.atomic
def account_update(*, account: Account, actor=None, **changes) -> Account:
    unknown = set(changes) - ACCOUNT_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"These account fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changed = {name: value for name, value in changes.items() if getattr(account, name) != value}
    for name, value in changed.items():
        setattr(account, name, value)
    if changed:
        _clean_and_save(account)
        audit_event_record(
            organization=account.organization,
            action="account.updated",
            obj=account,
            actor=actor,
            payload={"changed": sorted(changed)},
        )
    return account


def accounts_pause(*, organization: Organization, account_ids: list[int], actor=None) -> int:
    """Pause escalation for those of ``account_ids`` that belong to ``organization``; how many were not paused yet.
    Each change is audited like a pause on the account page."""
    accounts = Account.objects.filter(organization=organization, pk__in=account_ids, escalation_paused=False)
    paused = 0
    for account in accounts.select_related("organization").order_by("pk"):
        account_update(account=account, actor=actor, escalation_paused=True)
        paused += 1
    return paused


CONTACT_FIELDS = {"first_name", "last_name", "email", "phone", "is_billing"}


def _demote_other_billing_contacts(contact: Contact) -> None:
    # Only one billing contact per account: naming a new one replaces the old one.
    Contact.objects.filter(account=contact.account, is_billing=True).exclude(pk=contact.pk).update(is_billing=False)


@transaction.atomic
def contact_create(*, account: Account, actor=None, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValidationError(f"Unknown contact fields: {', '.join(sorted(unknown))}.")
    contact = Contact(account=account, **fields)
    contact.clean()
    if contact.is_billing:
        _demote_other_billing_contacts(contact)
    _clean_and_save(contact)
    audit_event_record(
        organization=account.organization,
        action="contact.created",
        obj=account,
        actor=actor,
        payload={"contact_id": contact.pk, "is_billing": contact.is_billing},
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor=None, **changes) -> Contact:
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise ValidationError(f"These contact fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(contact, name, value)
    contact.clean()
    if contact.is_billing:
        _demote_other_billing_contacts(contact)
    _clean_and_save(contact)
    audit_event_record(
        organization=contact.account.organization,
        action="contact.updated",
        obj=contact.account,
        actor=actor,
        payload={"contact_id": contact.pk, "changed": sorted(changes)},
    )
    return contact


# Relations of an account that ``account_merge`` moves itself, with rules of their own.
_MERGED_BY_HAND = {("accounts", "account"), ("accounts", "contact"), ("accounts", "accountalias")}


def _merge_conflicts(source: Account, target: Account) -> list[str]:
    """Rows of ``source`` that cannot move because ``target`` has their twin under a unique constraint
    (e.g. both accounts have a degree 2 draft for the same aging report)."""
    problems = []
    for relation in Account._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.one_to_one or (model._meta.app_label, model._meta.model_name) in _MERGED_BY_HAND:
            continue
        uniques = [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
        uniques += [tuple(u) for u in model._meta.unique_together]
        for fields in (f for f in uniques if field.name in f):
            others = [name for name in fields if name != field.name]
            theirs = set(model.objects.filter(**{field.name: target}).values_list(*others))
            mine = model.objects.filter(**{field.name: source}).values_list(*others)
            clashes = [row for row in mine if row in theirs]
            if clashes:
                problems.append(
                    f"both accounts have {model._meta.verbose_name_plural} for the same "
                    f"{' and '.join(n.replace('_', ' ') for n in others)} ({len(clashes)})"
                )
    return problems


def _merge_related(source: Account, target: Account) -> dict[str, int]:
    """Move everything else that points at ``source`` (drafts, notes, promises, ...) to ``target``. A
    one-to-one setting (its own escalation policy) moves only when ``target`` has none of its own."""
    moved = {}
    for relation in Account._meta.related_objects:
        model, field = relation.related_model, relation.field
        if (model._meta.app_label, model._meta.model_name) in _MERGED_BY_HAND:
            continue
        rows = model.objects.filter(**{field.name: source})
        if relation.one_to_one and model.objects.filter(**{field.name: target}).exists():
            rows.delete()  # the account that stays keeps its own
            continue
        if count := rows.update(**{field.name: target}):
            moved[model._meta.model_name] = count
    return moved


@transaction.atomic
def account_merge(*, source: Account, target: Account, actor=None) -> Account:
    """Fold ``source`` into ``target`` (the same customer under two client IDs): invoices, contacts,
    sub-accounts, drafts, notes, promises and everything else pointing at it move, and ``source``'s client
    ID becomes an alias so later imports find ``target``. Refused (ValidationError) when a row cannot move."""
    if source.pk == target.pk:
        raise ValidationError("An account cannot be merged into itself.")
    if source.organization_id != target.organization_id:
        raise ValidationError("Accounts of different organizations cannot be merged.")
    # Lock both rows in a fixed order so two merges cannot cross.
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if problems := _merge_conflicts(source, target):
        raise StateConflict(
            f"{source.account_name} cannot be merged into {target.account_name}: {'; '.join(problems)}. "
            "Cancel or resolve one of each pair first."
        )

    moved = _merge_related(source, target)
    target_emails = set(target.contacts.exclude(email="").values_list("email", flat=True))
    target_has_billing = target.contacts.filter(is_billing=True).exists()
    for contact in source.contacts.all():
        if contact.email and contact.email in target_emails:
            contact.delete()  # the same person is already on the target account
            continue
        contact.account = target
        contact.is_billing = contact.is_billing and not target_has_billing
        contact.save()
    Account.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    AccountAlias.objects.filter(account=source).update(account=target)
    # update_or_create: the client ID may be an alias already (an account merged away earlier, whose client ID
    # was then given to a new account): it now leads to the account that holds this one's rows.
    AccountAlias.objects.update_or_create(
        organization_id=target.organization_id, client_id=source.client_id, defaults={"account": target}
    )
    if target.escalation_paused is False and source.escalation_paused:
        target.escalation_paused = True  # a pause someone set on either account still holds
        target.save(update_fields=["escalation_paused", "updated_at"])
    audit_event_record(
        organization=target.organization,
        action="account.merged",
        obj=target,
        actor=actor,
        payload={"merged_client_id": source.client_id, "merged_name": source.account_name,
                 "invoices_moved": moved.get("invoice", 0), "moved": moved},
    )  # fmt: skip
    source.delete()
    return target


@transaction.atomic
def contact_suppress(*, contact: Contact, actor=None, reason: str) -> Contact:
    """No more emails to this contact until a person lifts it (set by hand, a hard bounce or a complaint)."""
    contact.suppressed_at, contact.suppression_reason = timezone.now(), reason[:200]
    contact.save(update_fields=["suppressed_at", "suppression_reason", "updated_at"])
    audit_event_record(organization=contact.account.organization, action="contact.suppressed", obj=contact.account,
                       actor=actor, payload={"contact_id": contact.pk, "reason": reason[:200]})  # fmt: skip
    return contact


@transaction.atomic
def contact_unsuppress(*, contact: Contact, actor) -> Contact:
    contact.suppressed_at, contact.suppression_reason = None, ""
    contact.save(update_fields=["suppressed_at", "suppression_reason", "updated_at"])
    audit_event_record(organization=contact.account.organization, action="contact.suppression_lifted",
                       obj=contact.account, actor=actor, payload={"contact_id": contact.pk})  # fmt: skip
    return contact


def _token_trail(token: ApiToken) -> Organization | None:
    """Where the token's audit events go; superusers without a membership have no organization trail."""
    return user_organization(token.user)


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what uses it."})
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, key_hint=secret[:8], key_digest=ApiToken.digest(secret))
    _clean_and_save(token)
    if organization := _token_trail(token):
        audit_event_record(organization=organization, action="api_token.created", obj=token, actor=user)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Stop ``token`` working at once. Revoking twice is harmless; the first time is the one recorded."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if organization := _token_trail(token):
            audit_event_record(organization=organization, action="api_token.revoked", obj=token, actor=actor)
    return token
