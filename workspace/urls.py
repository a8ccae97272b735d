from django.urls import path

from . import people_views, template_views, views

urlpatterns = [
    path("start/", views.landing_view, name="landing"),
    path("worklist/", views.worklist_view, name="worklist"),
    path("worklist/bulk/", views.worklist_bulk_view, name="worklist-bulk"),
    path("people/", people_views.people_view, name="people"),
    path("people/invite/", people_views.person_invite_view, name="person-invite"),
    path("people/<int:pk>/", people_views.person_change_view, name="person-change"),
    path("templates/<slug:identifier>/", template_views.template_detail_view, name="template-detail"),
    path(
        "templates/<slug:identifier>/versions/",
        template_views.template_version_create_view,
        name="template-version-create",
    ),
    path(
        "templates/<slug:identifier>/v<int:version>/activate/",
        template_views.template_activate_view,
        name="template-activate",
    ),
]
