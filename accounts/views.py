import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from invoices.aging import BUCKET_LABELS
from invoices.selectors import account_invoices_with_latest_aging

from .forms import AccountMergeForm
from .models import Account
from .selectors import account_get, account_list
from .services import account_merge
from .tenancy import user_organization


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def account_list_view(request):
    query = request.GET
    organization = user_organization(request.user)
    degree = query.get("degree", "")
    account_ids = None
    if degree.isdigit() and organization is not None:
        from escalation.degree import account_ids_at_degree

        account_ids = account_ids_at_degree(organization=organization, degree=int(degree), on_date=timezone.localdate())
    filters = {
        "search": query.get("q", "").strip(),
        "currency": query.get("currency", "").strip().upper()[:3],
        "paused": _yes_no(query.get("paused", "")),
        "disputed": _yes_no(query.get("disputed", "")),
        "promised": _yes_no(query.get("promised", "")),
        "bucket": query.get("bucket", "") if query.get("bucket", "") in BUCKET_LABELS else "",
        "account_ids": account_ids,
        "sort": query.get("sort", "name"),
        "today": timezone.localdate(),
    }
    accounts = account_list(user=request.user, **filters)
    if query.get("format") == "csv":
        return accounts_csv_response(accounts)
    page = Paginator(accounts, 50).get_page(query.get("page"))
    params = query.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/account_list.html",
        {
            "page": page,
            "search": filters["search"],
            "query": params.urlencode(),
            "filters": query,
            "buckets": BUCKET_LABELS,
        },
    )


def accounts_csv_response(accounts) -> StreamingHttpResponse:
    """The current view as CSV, every text cell neutralised against formula injection."""
    from invoices.importing.csv_safety import neutralise_row

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    header = ["client_id", "account_name", "currency", "open_invoices", "total_outstanding", "oldest_due_date",
              "escalation_paused", "disputed", "promise_to_pay"]  # fmt: skip

    def rows():
        yield writer.writerow(header)
        for a in accounts.iterator(chunk_size=2000):
            yield writer.writerow(
                neutralise_row(
                    [
                        a.client_id,
                        a.account_name,
                        a.currency,
                        a.open_invoices,
                        f"{a.total_outstanding:.2f}",
                        a.oldest_due.isoformat() if a.oldest_due else "",
                        a.escalation_paused,
                        a.has_dispute,
                        a.has_promise,
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accounts.csv"'
    return response


def _account_or_404(request, pk: int) -> Account:
    try:
        return account_get(user=request.user, pk=pk)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None


def account_detail_view(request, pk: int, merge_form=None):
    account = _account_or_404(request, pk)
    invoices = list(account_invoices_with_latest_aging(account=account))
    if merge_form is None and request.user.has_perm("accounts.change_account"):
        merge_form = AccountMergeForm(user=request.user, source=account)
    from escalation.selectors import account_promises, account_timeline
    from workspace.summary import account_summary

    context = {
        "account": account,
        "invoices": invoices,
        "merge_form": merge_form,
        "timeline": account_timeline(account=account),
        "promises": account_promises(account=account, today=timezone.localdate()),
        "today": timezone.localdate(),
        "summary": account_summary(account=account, invoices=invoices, on_date=timezone.localdate()),
        "can_work": request.user.has_perm("accounts.change_account"),
    }
    return render(request, "accounts/account_detail.html", context)


@require_POST
def account_merge_view(request, pk: int):
    if not request.user.has_perm("accounts.change_account"):
        raise PermissionDenied
    source = _account_or_404(request, pk)
    form = AccountMergeForm(request.POST, user=request.user, source=source)
    if not form.is_valid():
        return account_detail_view(request, pk, merge_form=form)
    try:
        target = account_merge(source=source, target=form.cleaned_data["target"], actor=request.user)
    except ValidationError as exc:  # a rule of the merge itself, e.g. both accounts have the same draft
        form.add_error("target", " ".join(exc.messages))
        return account_detail_view(request, pk, merge_form=form)
    messages.success(request, f"{source.account_name} ({source.client_id}) was merged into this account.")
    return redirect("account-detail", pk=target.pk)
