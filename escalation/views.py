from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.tenancy import scoped, user_organization
from templates_app.models import EmailTemplate

from .degree import accounts_due
from .delivery.services import (
    draft_approve,
    draft_edit,
    draft_reject,
    draft_resolve_unknown,
    draft_retry,
    drafts_approve,
)
from .forms import DraftEditForm, DraftRejectForm
from .holds import stale_report_reason
from .models import EmailDraft
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
    organization = _organization(request)
    report = accounts_due(organization=organization, on_date=timezone.localdate())
    # The skipped rows do not carry their currency; one query for all, filtered by organization, not by ids.
    currencies = dict(Account.objects.filter(organization=organization).values_list("pk", "currency"))
    stale = stale_report_reason(organization=organization, snapshot_date=report.snapshot_date,
                                on_date=report.on_date)  # fmt: skip
    context = {"report": report, "currencies": currencies, "can_run": request.user.has_perm(START_RUN) and not stale,
               "stale": stale}  # fmt: skip
    return render(request, "escalation/due.html", context)


@require_POST
def run_start_view(request):
    if not request.user.has_perm(START_RUN):
        raise PermissionDenied
    started = []
    if not run_and_report(request, lambda: started.append(escalation_run_start(organization=_organization(request),
                                                                               actor=request.user))):  # fmt: skip
        return redirect("due")
    run = started[0]
    run.refresh_from_db()  # in the embedded mode the drafts are already written by now
    state = "written" if run.status == run.Status.COMPLETED else "being written"
    messages.success(request, f"Run #{run.pk}: {run.counts['drafts_created']} drafts {state}.")
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


REVIEW = "escalation.change_emaildraft"


def draft_detail_view(request, pk: int, edit_form=None):
    if not request.user.has_perm("escalation.view_emaildraft"):
        raise PermissionDenied
    draft = get_object_or_404(draft_list(user=request.user).select_related("contact"), pk=pk)
    can_review = request.user.has_perm(REVIEW)
    if (
        edit_form is None
        and can_review
        and draft.status in (EmailDraft.Status.NEEDS_REVIEW, EmailDraft.Status.APPROVED)
    ):
        edit_form = DraftEditForm(initial={"subject": draft.subject, "body_text": draft.body_text})
    context = {
        "draft": draft,
        "edit_form": edit_form,
        "can_review": can_review,
        "revisions": draft.revisions.select_related("edited_by"),
        "events": draft.events.all()[:50],
    }
    return render(request, "escalation/draft_detail.html", context)


def review_queue_view(request):
    if not request.user.has_perm("escalation.view_emaildraft"):
        raise PermissionDenied
    drafts = (
        draft_list(user=request.user)
        .filter(status=EmailDraft.Status.NEEDS_REVIEW)
        .order_by("-degree", "account__account_name")
    )
    attention = draft_list(user=request.user).filter(status__in=[EmailDraft.Status.UNKNOWN, EmailDraft.Status.FAILED])
    return render(
        request,
        "escalation/review_queue.html",
        {"drafts": drafts, "attention": attention, "can_review": request.user.has_perm(REVIEW)},
    )


def _reviewable(request, pk: int) -> EmailDraft:
    if not request.user.has_perm(REVIEW):
        raise PermissionDenied
    return get_object_or_404(draft_list(user=request.user), pk=pk)


def run_and_report(request, action) -> bool:
    """Run a service call for a page; a rule it refuses becomes the page's error message. True when it ran."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


@require_POST
def draft_approve_view(request, pk: int):
    draft = _reviewable(request, pk)
    if run_and_report(request, lambda: draft_approve(draft=draft, actor=request.user)):
        approved_message(request, draft)
    return redirect("draft-detail", pk=draft.pk)


def approved_message(request, draft: EmailDraft) -> None:
    """Say what the approval led to: sending can already have happened (or been held) by the time the page loads."""
    draft.refresh_from_db()
    S = EmailDraft.Status
    if draft.status == S.SENT:
        messages.success(request, f"Draft #{draft.pk} approved and sent.")
    elif draft.status in (S.APPROVED, S.QUEUED, S.SENDING):
        messages.success(request, f"Draft #{draft.pk} approved and queued for sending.")
    else:
        messages.warning(request, f"Draft #{draft.pk} was approved but not sent - it is now "
                                  f"{draft.get_status_display().lower()}: {draft.status_reason}")  # fmt: skip


@require_POST
def draft_reject_view(request, pk: int):
    draft = _reviewable(request, pk)
    form = DraftRejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if run_and_report(request, lambda: draft_reject(draft=draft, actor=request.user, reason=reason)):
        messages.success(request, f"Draft #{draft.pk} rejected.")
    return redirect("draft-detail", pk=draft.pk)


@require_POST
def draft_edit_view(request, pk: int):
    draft = _reviewable(request, pk)
    form = DraftEditForm(request.POST)
    if not form.is_valid():
        return draft_detail_view(request, pk, edit_form=form)
    if run_and_report(request, lambda: draft_edit(draft=draft, actor=request.user, **form.cleaned_data)):
        draft.refresh_from_db()
        if draft.check_passed:
            messages.success(request, "Saved as a new revision; every figure matches the ledger.")
        else:
            messages.error(request, "Saved as a new revision, but the ledger check fails: see below.")
    return redirect("draft-detail", pk=draft.pk)


@require_POST
def drafts_approve_view(request):
    if not request.user.has_perm(REVIEW):
        raise PermissionDenied
    ids = [int(pk) for pk in request.POST.getlist("draft") if pk.isdigit()]
    if not ids:
        messages.warning(request, "No draft was ticked: tick the drafts to approve first.")
        return redirect("review-queue")
    drafts = draft_list(user=request.user).filter(pk__in=ids)
    approved, problems = drafts_approve(drafts=drafts, actor=request.user)
    if approved:
        messages.success(request, f"{approved:,} draft{'s' if approved != 1 else ''} approved and queued for sending.")
    elif not problems:
        messages.warning(request, "No draft was approved: the ones ticked are no longer waiting for review.")
    for problem in problems:
        messages.error(request, problem)
    return redirect("review-queue")


@require_POST
def draft_resolve_view(request, pk: int):
    draft = _reviewable(request, pk)
    if draft.status == EmailDraft.Status.UNKNOWN:
        was_sent = request.POST.get("was_sent") == "yes"
        run_and_report(
            request,
            lambda: draft_resolve_unknown(
                draft=draft,
                actor=request.user,
                was_sent=was_sent,
                message_id=request.POST.get("message_id", "").strip(),
            ),
        )
    elif draft.status == EmailDraft.Status.FAILED:
        run_and_report(request, lambda: draft_retry(draft=draft, actor=request.user))
    return redirect("draft-detail", pk=draft.pk)


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
