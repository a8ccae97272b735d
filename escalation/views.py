from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.tenancy import scoped, user_organization
from templates_app.models import EmailTemplate

from .degree import accounts_due
from .selectors import draft_list, run_list
from .services import escalation_run_start, template_preview

START_RUN = "escalation.add_escalationrun"


def _organization(request):
    organization = user_organization(request.user)
    if organization is None:
        raise PermissionDenied("This page needs a membership in an organization.")
    return organization


def due_view(request):
    if not request.user.has_perm("escalation.view_emaildraft"):
        raise PermissionDenied
    report = accounts_due(organization=_organization(request), on_date=timezone.localdate())
    return render(request, "escalation/due.html", {"report": report, "can_run": request.user.has_perm(START_RUN)})


@require_POST
def run_start_view(request):
    if not request.user.has_perm(START_RUN):
        raise PermissionDenied
    run = escalation_run_start(organization=_organization(request), actor=request.user)
    messages.success(request, f"Run #{run.pk}: {run.counts['drafts_created']} drafts are being written.")
    return redirect("run-detail", pk=run.pk)


def run_list_view(request):
    if not request.user.has_perm("escalation.view_escalationrun"):
        raise PermissionDenied
    page = Paginator(run_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "escalation/run_list.html", {"page": page})


def run_detail_view(request, pk: int):
    if not request.user.has_perm("escalation.view_escalationrun"):
        raise PermissionDenied
    run = get_object_or_404(run_list(user=request.user), pk=pk)
    drafts = draft_list(user=request.user).filter(run=run).order_by("account__account_name")
    return render(request, "escalation/run_detail.html", {"run": run, "drafts": drafts})


def draft_detail_view(request, pk: int):
    if not request.user.has_perm("escalation.view_emaildraft"):
        raise PermissionDenied
    draft = get_object_or_404(draft_list(user=request.user).select_related("contact"), pk=pk)
    return render(request, "escalation/draft_detail.html", {"draft": draft})


def template_versions_view(request):
    """Each template identifier with its versions, which one is active, and a preview for an account."""
    if not request.user.has_perm("templates_app.view_emailtemplate"):
        raise PermissionDenied
    templates = scoped(EmailTemplate.objects.select_related("created_by"), request.user).order_by(
        "identifier", "-version"
    )
    accounts = scoped(Account.objects.order_by("account_name"), request.user)
    preview, chosen, account = None, None, None
    if request.GET.get("template") and request.GET.get("account"):
        chosen = get_object_or_404(templates, pk=request.GET["template"])
        account = get_object_or_404(accounts, pk=request.GET["account"])
        preview = template_preview(template=chosen, account=account, use_claude=request.GET.get("writer") == "claude")
    identifiers = {}
    for template in templates:
        identifiers.setdefault(template.identifier, []).append(template)
    context = {"identifiers": identifiers, "accounts": accounts[:500], "preview": preview, "chosen": chosen,
               "account": account}  # fmt: skip
    return render(request, "escalation/template_versions.html", context)
