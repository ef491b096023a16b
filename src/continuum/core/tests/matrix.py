"""Sign-in routes (django-allauth, docs/adr/0004-sign-in.md) in the permission matrix.

None of them shows or changes anyone's record: they are the sign-in steps themselves (public by
design, as the sign-in page is), or a member of staff's own second factor and password. Their
behaviour is tested in core/tests/test_sign_in_security.py, tests/test_single_sign_on.py and
tests/browser/test_sign_in.py. The email, connections and set-password pages answer 404 to
everyone (core.views.not_offered), tested in test_sign_in_security.py.
"""

EXEMPT = {
    # the sign-in steps: public by design
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",  # closed: says accounts are set up by an administrator
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "mfa_authenticate",
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",  # closed, as account_signup
    # a signed-in member of staff's own account: reauthentication, second factor, password
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_change_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    # not offered: 404 for everyone
    "account_email",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_set_password",
    "socialaccount_connections",
    "None",  # allauth's unnamed /accounts/social/… aliases, not offered either
}
