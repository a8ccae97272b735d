from django.urls import path

from . import token_views, views

urlpatterns = [
    path("accounts/", views.account_list_view, name="account-list"),
    path("accounts/<int:pk>/", views.account_detail_view, name="account-detail"),
    path("accounts/<int:pk>/merge/", views.account_merge_view, name="account-merge"),
    path("settings/api-tokens/", token_views.api_token_list_view, name="api-token-list"),
    path("settings/api-tokens/<int:pk>/revoke/", token_views.api_token_revoke_view, name="api-token-revoke"),
]
