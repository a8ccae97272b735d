"""The people of an organization, managed by its AR admins: invite by email, change roles, deactivate.

An invitation is a user with no usable password and a one-time link to set one, made with Django's own
password-reset tokens (django.contrib.auth.tokens.default_token_generator): the link stops working once a password
is set, and after PASSWORD_RESET_TIMEOUT. Organizations themselves are made by superusers in the back office.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership, Organization, Role
from .services import audit_event_record

User = get_user_model()


def member_list(*, organization: Organization):
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__username")


def set_password_path(user) -> str:
    """The path of the one-time link that sets ``user``'s password (Django's password-reset confirm view)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def member_invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    actor,
    site_url: str,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """A login for ``email`` in ``organization`` with ``role``, and an email with the link to set its password."""
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the roles."})
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already has a login."})
    user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()  # nobody can log in until the invited person sets one
    user.save()
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    audit_event_record(organization=organization, action="member.invited", obj=membership, actor=actor,
                       payload={"role": role})  # fmt: skip
    link = site_url.rstrip("/") + set_password_path(user)
    inviter = actor.get_full_name() or actor.get_username()
    transaction.on_commit(lambda: send_mail(
        subject=f"You are invited to {organization.name} on Fineman West",
        message=(f"{inviter} invited you to collect receivables for {organization.name} on Fineman West, as "
                 f"{Role(role).label.lower()}.\n\nSet your password here (the link works once):\n{link}\n\n"
                 f"Your username is {email}.\n"),
        from_email=None, recipient_list=[email],
    ))  # fmt: skip
    return membership


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role=Role.AR_ADMIN, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_role_change(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise ValidationError("Choose one of the roles.")
    if membership.role == Role.AR_ADMIN and role != Role.AR_ADMIN and not _other_active_admins(membership):
        raise ValidationError("The organization needs at least one active AR admin: make someone else one first.")
    if membership.role != role:
        previous, membership.role = membership.role, role
        membership.save(update_fields=["role", "updated_at"])
        audit_event_record(organization=membership.organization, action="member.role_changed", obj=membership,
                           actor=actor, payload={"from": previous, "to": role})  # fmt: skip
    return membership


@transaction.atomic
def member_set_active(*, membership: Membership, active: bool, actor) -> Membership:
    """Deactivate (no more logins, API tokens included: Django refuses inactive users) or reactivate a member."""
    user = membership.user
    if not active and user.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself.")
    if not active and membership.role == Role.AR_ADMIN and not _other_active_admins(membership):
        raise ValidationError("The organization needs at least one active AR admin.")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_event_record(organization=membership.organization, obj=membership, actor=actor,
                           action="member.activated" if active else "member.deactivated")  # fmt: skip
    return membership
