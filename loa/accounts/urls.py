from django.contrib.auth import views as auth_views
from django.urls import path

from loa.accounts import views, views_two_factor, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", views_two_factor.otp_verify, name="otp_verify"),
    path("reauth/", views.reauth_view, name="reauth"),
    path("profile/two-factor/", views_two_factor.otp_setup, name="otp_setup"),
    path("profile/two-factor/off/", views_two_factor.otp_disable, name="otp_disable"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invite/<uidb64>/<token>/", views.invite_accept, name="invite_accept"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views_users.user_list, name="user_list"),
    path("users/invite/", views_users.user_invite, name="user_invite"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views_users.role_grant, name="role_grant"),
    path("users/<int:pk>/roles/<int:role_pk>/revoke/", views_users.role_revoke, name="role_revoke"),
    path("users/<int:pk>/deactivate/", views_users.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views_users.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/invite/", views_users.invite_resend, name="invite_resend"),
    path("users/<int:pk>/unlock/", views_users.login_unlock, name="login_unlock"),
    path("users/<int:pk>/two-factor/reset/", views_users.otp_reset, name="otp_reset"),
]
