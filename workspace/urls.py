from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.landing_view, name="landing"),
    path("worklist/", views.worklist_view, name="worklist"),
    path("worklist/bulk/", views.worklist_bulk_view, name="worklist-bulk"),
]
