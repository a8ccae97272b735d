from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django_ses.views import SESEventWebhookView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.auth_views import PasswordResetConfirmView

from . import health
from .metrics_scrape import metrics_view

urlpatterns = [
    path("health", health.health, name="health"),
    path("health/db", health.health_db, name="health-db"),
    path("health/ai", health.health_ai, name="health-ai"),
    path("health/email", health.health_email, name="health-email"),
    path("metrics", metrics_view, name="metrics"),  # a token or an allowed network, not a login
    # SES events arrive from SNS, signed; django-ses verifies the signature (no login, no CSRF token).
    path("ses/events/", login_not_required(SESEventWebhookView.as_view()), name="ses-events"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Forgotten password: a one-time link by email (Django's views; none needs a login).
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("finemanwest.api_urls", namespace="api")),
    path("", include("replies.urls")),
    path("", include("workspace.urls")),
    path("", include("invoices.urls")),
    path("", include("escalation.urls")),
    path("", include("accounts.urls")),
]
handler400 = "finemanwest.api_errors.bad_request"
handler404 = "finemanwest.api_errors.not_found"
handler500 = "finemanwest.api_errors.server_error"
