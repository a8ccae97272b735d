from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from invoices.selectors import account_invoices_with_latest_aging

from .models import Account
from .selectors import account_get, account_list


def home(request):
    return redirect("account-list")


def account_list_view(request):
    search = request.GET.get("q", "").strip()
    page = Paginator(account_list(user=request.user, search=search), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page, "search": search})


def account_detail_view(request, pk: int):
    try:
        account = account_get(user=request.user, pk=pk)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None
    invoices = account_invoices_with_latest_aging(account=account)
    return render(request, "accounts/account_detail.html", {"account": account, "invoices": invoices})
