from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import passkeys
from .views import accounts, audit_trail, dashboard, health, notifications

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/verify/", accounts.verify_second_factor, name="otp-verify"),
    path("accounts/passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),
    path("accounts/passkeys/<int:pk>/remove/", accounts.remove_passkey, name="passkey-remove"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/confirm/", accounts.confirm_identity, name="confirm-identity"),
    path("accounts/two-factor/", accounts.setup_second_factor, name="otp-setup"),
    path("accounts/time-zone/", accounts.set_time_zone, name="set-time-zone"),
    path("accounts/two-factor/remove/", accounts.remove_second_factor, name="otp-remove"),
    path("accounts/password/change/", accounts.change_password, name="password_change"),
    path("accounts/email/", accounts.change_email, name="email-change"),
    path("accounts/tokens/<int:pk>/revoke/", accounts.revoke_token, name="api-token-revoke"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("audit/", audit_trail.audit_trail, name="audit-trail"),
    path("notices/", notifications.notification_list, name="notifications"),
    path("notices/<int:pk>/open/", notifications.open_notification, name="notification-open"),
    path("notices/read/", notifications.read_all, name="notifications-read-all"),
]
