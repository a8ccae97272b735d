from django.urls import path

from . import views, workspace_views

urlpatterns = [
    path("", workspace_views.dashboard_view, name="home"),
    path("accounts/<int:pk>/notes/", workspace_views.note_add_view, name="account-note"),
    path("accounts/<int:pk>/promises/", workspace_views.promise_add_view, name="account-promise"),
    path("accounts/<int:pk>/pause/", workspace_views.pause_view, name="account-pause"),
    path("accounts/<int:pk>/email-now/", workspace_views.email_now_view, name="account-email-now"),
    path("contacts/<int:pk>/", workspace_views.contact_action_view, name="contact-action"),
    path("invoices/<int:pk>/dispute/", workspace_views.invoice_dispute_view, name="invoice-dispute"),
    path("escalation/due/", views.due_view, name="due"),
    path("escalation/runs/", views.run_list_view, name="run-list"),
    path("escalation/runs/start/", views.run_start_view, name="run-start"),
    path("escalation/runs/<int:pk>/", views.run_detail_view, name="run-detail"),
    path("escalation/drafts/<int:pk>/", views.draft_detail_view, name="draft-detail"),
    path("escalation/review/", views.review_queue_view, name="review-queue"),
    path("escalation/review/approve/", views.drafts_approve_view, name="drafts-approve"),
    path("escalation/drafts/<int:pk>/approve/", views.draft_approve_view, name="draft-approve"),
    path("escalation/drafts/<int:pk>/reject/", views.draft_reject_view, name="draft-reject"),
    path("escalation/drafts/<int:pk>/edit/", views.draft_edit_view, name="draft-edit"),
    path("escalation/drafts/<int:pk>/resolve/", views.draft_resolve_view, name="draft-resolve"),
    path("escalation/templates/", views.template_versions_view, name="template-versions"),
]
