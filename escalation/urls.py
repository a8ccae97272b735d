from django.urls import path

from . import views

urlpatterns = [
    path("escalation/due/", views.due_view, name="due"),
    path("escalation/runs/", views.run_list_view, name="run-list"),
    path("escalation/runs/start/", views.run_start_view, name="run-start"),
    path("escalation/runs/<int:pk>/", views.run_detail_view, name="run-detail"),
    path("escalation/drafts/<int:pk>/", views.draft_detail_view, name="draft-detail"),
    path("escalation/templates/", views.template_versions_view, name="template-versions"),
]
