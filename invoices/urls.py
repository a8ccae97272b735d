from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_list_view, name="import-list"),
    path("imports/new/", views.import_upload_view, name="import-upload"),
    path("imports/template.csv", views.import_template_view, name="import-template"),
    path("imports/<int:pk>/", views.import_detail_view, name="import-detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping_view, name="import-mapping"),
    path("imports/<int:pk>/confirm/", views.import_confirm_view, name="import-confirm"),
    path("imports/<int:pk>/discard/", views.import_discard_view, name="import-discard"),
]
