"""The collector's worklist page and its bulk actions. Thin: the filter form in, selectors and services out."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account, Role
from accounts.services import accounts_pause
from accounts.tenancy import user_organization
from escalation.holds import StaleReport, stale_report_reason
from escalation.services import escalation_run_start

from .filters import WorklistFilter
from .selectors import worklist_build, worklist_filter

PER_PAGE = 50
WORK = "accounts.change_account"
START_RUN = "escalation.add_escalationrun"


def landing_view(request):
    """Where a login lands: collectors on their worklist, everyone else on the dashboard."""
    membership = getattr(request.user, "membership", None)
    if membership is not None and membership.role == Role.COLLECTOR:
        return redirect("worklist")
    return redirect("home")


def _organization(request):
    organization = user_organization(request.user)
    if organization is None or not request.user.has_perm("accounts.view_account"):
        raise PermissionDenied("The worklist needs a membership in an organization.")
    return organization


def worklist_view(request):
    organization = _organization(request)
    today = timezone.localdate()
    scoped = Account.objects.filter(organization=organization)
    filterset = WorklistFilter(request.GET, queryset=scoped)
    worklist = worklist_build(
        organization=organization, on_date=today, accounts=filterset.qs if filterset.narrows() else None
    )
    computed = filterset.computed()
    to_act = worklist_filter(worklist.to_act, on_date=today, **computed)
    held = worklist_filter(worklist.held, on_date=today, degree=computed["degree"], sort=computed["sort"])
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("held_page", None)
    context = {
        "filterset": filterset,
        "worklist": worklist,
        "page": Paginator(to_act, PER_PAGE).get_page(request.GET.get("page")),
        "held_page": Paginator(held, PER_PAGE).get_page(request.GET.get("held_page")),
        "to_act_count": len(to_act),
        "held_count": len(held),
        "query": params.urlencode(),
        "today": today,
        "stale": stale_report_reason(organization=organization, snapshot_date=worklist.snapshot_date, on_date=today),
        "can_draft": request.user.has_perm(START_RUN),
        "can_pause": request.user.has_perm(WORK),
    }
    return render(request, "workspace/worklist.html", context)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@require_POST
def worklist_bulk_view(request):
    organization = _organization(request)
    # Back to the same filters and sort; only the query string is kept, so it cannot lead off the site.
    back = reverse("worklist") + "?" + QueryDict(request.POST.get("query", "")).urlencode()
    ids = sorted({int(pk) for pk in request.POST.getlist("account") if pk.isdigit()})
    action = request.POST.get("action")
    if action not in ("draft", "pause"):
        raise PermissionDenied
    if not request.user.has_perm(START_RUN if action == "draft" else WORK):
        raise PermissionDenied
    if not ids:
        messages.warning(request, "No account was ticked: tick the accounts first, then choose what to do.")
        return redirect(back)
    if action == "pause":
        paused = accounts_pause(organization=organization, account_ids=ids, actor=request.user)
        if paused:
            messages.success(request, f"Escalation paused for {_plural(paused, 'account')}.")
        else:
            messages.warning(request, "Nothing changed: the accounts ticked were already paused.")
        return redirect(back)
    try:
        run = escalation_run_start(organization=organization, actor=request.user, account_ids=ids)
    except StaleReport as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    created = run.counts["drafts_created"]
    reasons = "; ".join(f"{reason} ({n})" for reason, n in run.counts.get("skip_reasons", {}).items())
    if created:
        messages.success(request, f"{_plural(created, 'email')} drafted (run #{run.pk}): review them before they go.")
    else:
        messages.warning(request, "No email drafted.")
    if reasons:
        messages.info(request, f"Not drafted: {reasons}.")
    return redirect(back)
