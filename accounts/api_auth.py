"""API authentication with hashed tokens (``accounts.models.ApiToken``) and the per-token rate limit."""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

# Writing ``last_used_at`` on every request would turn each read into a write; a few minutes is precise enough
# for "is this token still in use?".
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <secret>`` (or ``Bearer <secret>``), looked up by the secret's digest."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "The Authorization header must be “Token <secret>”, with no spaces in the secret."
            )
        try:
            secret = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed("The token contains characters a token never has.") from None
        return self.authenticate_credentials(secret)

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user", "user__membership__organization")
            .filter(key_digest=ApiToken.digest(key))
            .first()
        )
        if token is None or not token.is_active:
            raise AuthenticationFailed("Invalid or revoked token.")
        if not token.user.is_active:
            raise AuthenticationFailed("The token's user is inactive.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class PerTokenRateThrottle(SimpleRateThrottle):
    """``settings.API_THROTTLE_RATE`` requests per token (per user for the pages' session calls).

    One busy integration slows down only itself. The history lives in the default cache: Redis in
    production, so every web worker counts against the same budget.
    """

    scope = "token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
