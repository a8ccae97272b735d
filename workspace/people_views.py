"""People: an AR admin invites colleagues, changes their roles, deactivates them (services: accounts.people)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.people import member_invite, member_list, member_role_change, member_set_active
from accounts.tenancy import user_organization


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="Their username, and where the invitation goes.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.COLLECTOR,
                             help_text="Viewer reads; collector also works the ledger; AR admin also templates and "
                                       "people.")  # fmt: skip


def _organization(request):
    """Only an AR admin of an organization manages its people (superusers use the back office)."""
    membership = getattr(request.user, "membership", None)
    if membership is None or membership.role != Role.AR_ADMIN:
        raise PermissionDenied("Only an AR admin manages the people of the organization.")
    return user_organization(request.user)


def people_view(request, form=None):
    organization = _organization(request)
    context = {"members": member_list(organization=organization), "form": form or InviteForm(), "roles": Role.choices}
    return render(request, "workspace/people.html", context)


@require_POST
def person_invite_view(request):
    organization = _organization(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return people_view(request, form=form)
    try:
        membership = member_invite(organization=organization, actor=request.user,
                                   site_url=request.build_absolute_uri("/"), **form.cleaned_data)  # fmt: skip
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return people_view(request, form=form)
    messages.success(request, f"Invitation sent to {membership.user.email}, as {membership.get_role_display()}: "
                              "they set their password from the link in it.")  # fmt: skip
    return redirect("people")


@require_POST
def person_change_view(request, pk: int):
    organization = _organization(request)
    membership = get_object_or_404(member_list(organization=organization), pk=pk)
    name = membership.user.get_username()
    try:
        if request.POST.get("action") == "role":
            member_role_change(membership=membership, role=request.POST.get("role", ""), actor=request.user)
            messages.success(request, f"{name} is now {membership.get_role_display()}.")
        elif request.POST.get("action") in ("deactivate", "activate"):
            active = request.POST["action"] == "activate"
            member_set_active(membership=membership, active=active, actor=request.user)
            messages.success(request, f"{name} can log in again." if active else f"{name} can no longer log in.")
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("people")
