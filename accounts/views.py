from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from invoices.selectors import account_invoices_with_latest_aging

from .forms import AccountMergeForm
from .models import Account
from .selectors import account_get, account_list
from .services import account_merge


def home(request):
    return redirect("account-list")


def account_list_view(request):
    search = request.GET.get("q", "").strip()
    page = Paginator(account_list(user=request.user, search=search), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page, "search": search})


def _account_or_404(request, pk: int) -> Account:
    try:
        return account_get(user=request.user, pk=pk)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None


def account_detail_view(request, pk: int, merge_form=None):
    account = _account_or_404(request, pk)
    invoices = account_invoices_with_latest_aging(account=account)
    if merge_form is None and request.user.has_perm("accounts.change_account"):
        merge_form = AccountMergeForm(user=request.user, source=account)
    context = {"account": account, "invoices": invoices, "merge_form": merge_form}
    return render(request, "accounts/account_detail.html", context)


@require_POST
def account_merge_view(request, pk: int):
    if not request.user.has_perm("accounts.change_account"):
        raise PermissionDenied
    source = _account_or_404(request, pk)
    form = AccountMergeForm(request.POST, user=request.user, source=source)
    if not form.is_valid():
        return account_detail_view(request, pk, merge_form=form)
    target = account_merge(source=source, target=form.cleaned_data["target"], actor=request.user)
    messages.success(request, f"{source.account_name} ({source.client_id}) was merged into this account.")
    return redirect("account-detail", pk=target.pk)
