"""The collector's workspace: dashboard and the actions on an account's page. Thin: forms in, services out."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.formatting import format_day
from accounts.models import Account, Contact
from accounts.services import account_update, contact_suppress, contact_unsuppress, contact_update
from accounts.tenancy import scoped, user_organization
from invoices.models import Invoice
from invoices.services import invoice_set_disputed

from .dashboard import dashboard_summary
from .holds import stale_report_reason
from .services import account_email_now, note_add, promise_record
from .views import run_and_report

WORK = "accounts.change_account"


def dashboard_view(request):
    organization = user_organization(request.user)
    if organization is None:
        return redirect("account-list")  # superusers without a membership: the cross-organization lists
    summary = dashboard_summary(organization=organization, on_date=timezone.localdate())
    top = [item.account_id for item, _ in summary["top_overdue"]]
    currencies = dict(Account.objects.filter(organization=organization, pk__in=top).values_list("pk", "currency"))
    stale = stale_report_reason(organization=organization, snapshot_date=(summary.get("latest") or {}).get("date"),
                                on_date=timezone.localdate())  # fmt: skip
    return render(request, "escalation/dashboard.html", {"summary": summary, "currencies": currencies,
                                                         "stale": stale})  # fmt: skip


def _account(request, pk: int) -> Account:
    if not request.user.has_perm(WORK):
        raise PermissionDenied
    return get_object_or_404(scoped(Account.objects.select_related("organization"), request.user), pk=pk)


def _done(request, pk: int, action, success: str):
    if run_and_report(request, action):
        messages.success(request, success)
    return redirect("account-detail", pk=pk)


@require_POST
def note_add_view(request, pk: int):
    account = _account(request, pk)
    return _done(
        request,
        pk,
        lambda: note_add(account=account, author=request.user, text=request.POST.get("text", "")),
        "Note added.",
    )


@require_POST
def promise_add_view(request, pk: int):
    account = _account(request, pk)
    try:
        promised = datetime.date.fromisoformat(request.POST.get("promised_date", ""))
        amount = Decimal(request.POST.get("amount", ""))
    except (ValueError, InvalidOperation):
        messages.error(request, "A promise to pay needs a date (YYYY-MM-DD) and an amount.")
        return redirect("account-detail", pk=pk)
    return _done(
        request,
        pk,
        lambda: promise_record(account=account, actor=request.user, promised_date=promised, amount=amount),
        f"Promise recorded: no emails until {format_day(promised, locale=account.organization.locale)}.",
    )


@require_POST
def pause_view(request, pk: int):
    account = _account(request, pk)
    paused = request.POST.get("paused") == "1"
    return _done(
        request,
        pk,
        lambda: account_update(account=account, actor=request.user, escalation_paused=paused),
        "Escalation paused." if paused else "Escalation resumed.",
    )


@require_POST
def email_now_view(request, pk: int):
    if not request.user.has_perm("escalation.add_escalationrun"):
        raise PermissionDenied
    account = _account(request, pk)
    run = account_email_now(account=account, actor=request.user)
    draft = run.drafts.first()
    if draft is None:
        reason = next(iter(run.counts.get("skip_reasons", {})), "nothing is due")
        messages.error(request, f"No email drafted: {reason}.")
        return redirect("account-detail", pk=pk)
    messages.success(request, "The email was drafted.")
    return redirect("draft-detail", pk=draft.pk)


@require_POST
def contact_action_view(request, pk: int):
    if not request.user.has_perm("accounts.change_contact"):
        raise PermissionDenied
    contact = get_object_or_404(scoped(Contact.objects.select_related("account__organization"), request.user), pk=pk)
    reason = request.POST.get("reason") or "Suppressed by hand"
    actions = {
        "billing": (lambda: contact_update(contact=contact, actor=request.user, is_billing=True),
                    f"{contact} is now the billing contact."),
        "suppress": (lambda: contact_suppress(contact=contact, actor=request.user, reason=reason),
                     f"No more emails to {contact}."),
        "lift": (lambda: contact_unsuppress(contact=contact, actor=request.user),
                 f"Emails to {contact} allowed again."),
    }  # fmt: skip
    if request.POST.get("action") not in actions:
        raise PermissionDenied
    run, success = actions[request.POST["action"]]
    return _done(request, contact.account_id, run, success)


@require_POST
def invoice_dispute_view(request, pk: int):
    if not request.user.has_perm("invoices.change_invoice"):
        raise PermissionDenied
    invoice = get_object_or_404(scoped(Invoice.objects.all(), request.user), pk=pk)
    disputed = request.POST.get("disputed") == "1"
    return _done(
        request,
        invoice.account_id,
        lambda: invoice_set_disputed(
            invoice=invoice, disputed=disputed, actor=request.user, reason=request.POST.get("reason", "")
        ),
        f"Invoice {invoice.invoice_no} {'marked disputed' if disputed else 'no longer disputed'}.",
    )
