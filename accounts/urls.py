from django.urls import path

from . import views

urlpatterns = [
    path("accounts/", views.account_list_view, name="account-list"),
    path("accounts/<int:pk>/", views.account_detail_view, name="account-detail"),
    path("accounts/<int:pk>/merge/", views.account_merge_view, name="account-merge"),
]
