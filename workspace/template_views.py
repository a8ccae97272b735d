"""The templates page for AR admins, outside the back office: versions with their diffs, a preview with a real
account, writing a new version and activating one in one click. Thin: forms in, templates_app services out."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.tenancy import user_organization
from escalation.services import template_preview
from templates_app.forms import TemplateVersionForm
from templates_app.models import EmailTemplate
from templates_app.services import template_version_activate, template_version_create

from .templates_selectors import preview_account, template_degree, template_versions_changes

VIEW = "templates_app.view_emailtemplate"
ADD = "templates_app.add_emailtemplate"
CHANGE = "templates_app.change_emailtemplate"


def _organization(request, perm: str):
    organization = user_organization(request.user)
    if organization is None or not request.user.has_perm(perm):
        raise PermissionDenied
    return organization


def template_detail_view(request, identifier: str, form=None):
    organization = _organization(request, VIEW)
    changes = template_versions_changes(organization=organization, identifier=identifier)
    if not changes:
        raise Http404("No such template.")
    active = next((c.template for c in changes if c.template.is_active), None)
    latest = changes[0].template
    degree = template_degree(organization=organization, identifier=identifier)
    accounts = Account.objects.filter(organization=organization).order_by("account_name")
    if request.GET.get("account", "").isdigit():
        account = get_object_or_404(accounts.select_related("organization"), pk=request.GET["account"])
    else:
        account = preview_account(organization=organization, degree=degree, on_date=timezone.localdate())
    shown = active or latest
    if request.GET.get("version", "").isdigit():
        shown = next((c.template for c in changes if c.template.version == int(request.GET["version"])), shown)
    preview = template_preview(template=shown, account=account) if account is not None else None
    if form is None and request.user.has_perm(ADD):
        form = TemplateVersionForm(instance=shown)
    context = {"identifier": identifier, "changes": changes, "active": active, "degree": degree,
               "account": account, "accounts": accounts[:500], "shown": shown, "preview": preview, "form": form,
               "can_write": request.user.has_perm(ADD), "can_activate": request.user.has_perm(CHANGE)}  # fmt: skip
    return render(request, "workspace/template_detail.html", context)


@require_POST
def template_version_create_view(request, identifier: str):
    organization = _organization(request, ADD)
    base = EmailTemplate.objects.filter(organization=organization, identifier=identifier).order_by("-version").first()
    if base is None:
        raise Http404("No such template.")
    form = TemplateVersionForm(request.POST, instance=base)
    if not form.is_valid():
        return template_detail_view(request, identifier, form=form)
    if form.same_content_as(base.data) and not form.cleaned_data["activate"]:
        messages.warning(request, f"Nothing changed: {identifier} v{base.version} stays as it is.")
        return redirect("template-detail", identifier=identifier)
    saved = template_version_create(organization=organization, identifier=identifier, data=form.template_data(),
                                    activate=form.cleaned_data["activate"], actor=request.user)  # fmt: skip
    if saved.is_active:
        messages.success(request, f"{identifier} v{saved.version} written and now active: new emails use it.")
    else:
        active = EmailTemplate.objects.filter(organization=organization, identifier=identifier, is_active=True).first()
        still = f"v{active.version} is still the active one" if active else "no version is active"
        messages.success(request, f"{identifier} v{saved.version} written, not active: {still}.")
    return redirect("template-detail", identifier=identifier)


@require_POST
def template_activate_view(request, identifier: str, version: int):
    organization = _organization(request, CHANGE)
    template = get_object_or_404(EmailTemplate, organization=organization, identifier=identifier, version=version)
    if template.is_active:
        messages.info(request, f"{identifier} v{version} was already the active version.")
        return redirect("template-detail", identifier=identifier)
    previous = EmailTemplate.objects.filter(organization=organization, identifier=identifier, is_active=True).first()
    template_version_activate(template=template, actor=request.user)
    was = f" (instead of v{previous.version})" if previous else ""
    messages.success(request, f"{identifier} v{version} is now active{was}: new emails use it.")
    return redirect("template-detail", identifier=identifier)
