from django.contrib.auth import views as auth_views
from django.urls import path

from . import token_views, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("2fa/backup-codes/", views.backup_codes, name="backup_codes"),
    path("api-tokens/", token_views.tokens_page, name="api_tokens"),
    path("api-tokens/revoke/", token_views.revoke, name="api_token_revoke"),
]
