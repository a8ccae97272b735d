"""Settings page: each user creates and revokes their own API tokens (AR admins also can in the back office)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import ApiTokenCreateForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


def _page(request, *, form, new_secret: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "new_secret": new_secret}
    return render(request, "accounts/api_tokens.html", context, status=status)


def api_token_list_view(request):
    if request.method != "POST":
        return _page(request, form=ApiTokenCreateForm())
    form = ApiTokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        _, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
    except ValidationError as exc:
        form.add_error("name", exc)
        return _page(request, form=form, status=400)
    # Rendered, not redirected: the secret must not travel through the session's message store.
    return _page(request, form=ApiTokenCreateForm(), new_secret=secret, status=201)


@require_POST
def api_token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only one's own: others' are a 404
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked: requests with it are refused from now on.")
    return redirect("api-token-list")
