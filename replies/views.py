"""The collectors' inbox: replies newest first with their proposed reading, and one-click actions that go through
``replies.actions`` (the existing services underneath). Login and role checks as on every page."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.tenancy import scoped
from escalation.views import run_and_report

from . import actions
from .models import InboundAttachment, InboundMessage

VIEW, ACT = "replies.view_inboundmessage", "replies.change_inboundmessage"
SHOWN = {"open": "Waiting", "unmatched": "Unmatched", "answered": "Answered"}


def _replies(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    return scoped(InboundMessage.objects.select_related("account", "answered_by", "draft"), request.user)


def inbox_view(request):
    show = request.GET.get("show") if request.GET.get("show") in SHOWN else "open"
    replies = _replies(request)
    counts = {
        "open": replies.filter(status=InboundMessage.Status.OPEN, account__isnull=False).count(),
        "unmatched": replies.filter(status=InboundMessage.Status.OPEN, account__isnull=True).count(),
        "answered": replies.filter(status=InboundMessage.Status.ANSWERED).count(),
    }
    if show == "answered":
        replies = replies.filter(status=InboundMessage.Status.ANSWERED)
    else:
        replies = replies.filter(status=InboundMessage.Status.OPEN, account__isnull=(show == "unmatched"))
    page = Paginator(replies.order_by("-received_at", "-pk"), 25).get_page(request.GET.get("page"))
    tabs = [(key, label, counts[key]) for key, label in SHOWN.items()]
    return render(request, "replies/inbox.html", {"page": page, "show": show, "tabs": tabs})


def reply_detail_view(request, pk: int):
    inbound = get_object_or_404(_replies(request).prefetch_related("attachments"), pk=pk)
    invoices = []
    if inbound.account_id:
        invoices = list(inbound.account.invoices.filter(closed_at=None, total_outstanding__gt=0).order_by("due_date"))
    accounts = []
    if inbound.account_id is None and request.user.has_perm(ACT):
        accounts = scoped(Account.objects.all(), request.user)
        if inbound.organization_id:
            accounts = accounts.filter(organization_id=inbound.organization_id)
        accounts = accounts.order_by("account_name")[:500]
    context = {
        "reply": inbound, "reading": inbound.reading or {}, "invoices": invoices, "accounts": accounts,
        "can_act": request.user.has_perm(ACT) and inbound.status == InboundMessage.Status.OPEN,
        "resume_default": actions.reply_resume_default(inbound=inbound),
    }  # fmt: skip
    return render(request, "replies/reply_detail.html", context)


def attachment_view(request, pk: int):
    attachment = get_object_or_404(InboundAttachment.objects.select_related("message"), pk=pk)
    if not _replies(request).filter(pk=attachment.message_id).exists():
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Give the promised date as a date.") from None


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValidationError("Give the amount as a number.") from None


@require_POST
def reply_action_view(request, pk: int):
    if not request.user.has_perm(ACT):
        raise PermissionDenied
    inbound = get_object_or_404(_replies(request), pk=pk)
    data, user = request.POST, request.user
    resume = data.get("resume") == "1"
    action = data.get("action", "")
    calls = {
        "promise": lambda: actions.reply_record_promise(inbound=inbound, actor=user, resume=resume,
                                                        promised_date=_date(data.get("promised_date", "")),
                                                        amount=_amount(data.get("amount", ""))),
        "dispute": lambda: actions.reply_open_dispute(inbound=inbound, actor=user, resume=resume,
                                                      invoice_nos=data.getlist("invoice"),
                                                      reason=data.get("reason", "")),
        "contact": lambda: actions.reply_replace_contact(inbound=inbound, actor=user, resume=resume,
                                                         email=data.get("email", ""),
                                                         first_name=data.get("first_name", ""),
                                                         last_name=data.get("last_name", "")),
        "answered": lambda: actions.reply_mark_answered(inbound=inbound, actor=user, resume=resume,
                                                        note=data.get("note", "")),
        "assign": lambda: actions.reply_assign(inbound=inbound, actor=user,
                                               account=get_object_or_404(scoped(Account.objects.all(), user),
                                                                         pk=data.get("account") or 0)),
    }  # fmt: skip
    if action not in calls:
        raise Http404("No such action.")
    if run_and_report(request, calls[action]):
        messages.success(request, "Done: it is on the account's timeline.")
        if action != "assign":
            return redirect("reply-inbox")
    return redirect("reply-detail", pk=inbound.pk)
