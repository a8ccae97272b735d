from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .webhook import inbound_webhook

urlpatterns = [
    # Received mail arrives from SNS, signed (no login, no CSRF token); verified like the SES events webhook.
    path("ses/inbound/", login_not_required(inbound_webhook), name="ses-inbound"),
]

from . import views  # noqa: E402

urlpatterns += [
    path("replies/", views.inbox_view, name="reply-inbox"),
    path("replies/<int:pk>/", views.reply_detail_view, name="reply-detail"),
    path("replies/<int:pk>/act/", views.reply_action_view, name="reply-action"),
    path("replies/attachments/<int:pk>/", views.attachment_view, name="reply-attachment"),
]
