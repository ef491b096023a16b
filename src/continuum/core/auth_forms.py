"""django-allauth's sign-in forms in GOV.UK dress (settings ACCOUNT_FORMS and MFA_FORMS)."""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms

from continuum.core.forms import GovukFormMixin


def _plain(form) -> None:
    """GOV.UK inputs carry a label and hint, never a placeholder."""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class SignInForm(GovukFormMixin, account_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        # allauth puts a "Forgot your password?" link in the help text; the page has its own.
        self.fields["password"].help_text = ""


class ResetPasswordForm(GovukFormMixin, account_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["email"].help_text = "The email address your administrator gave Continuum."


class ResetPasswordKeyForm(GovukFormMixin, account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm new password"


class _CodeMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        code = self.fields["code"]
        css = code.widget.attrs.get("class", "")
        code.widget.attrs.update(
            {"inputmode": "numeric", "spellcheck": "false", "class": f"{css} govuk-input--width-10"}
        )


class AuthenticateForm(_CodeMixin, GovukFormMixin, mfa_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Security code"
        self.fields["code"].help_text = (
            "The 6-digit code your authenticator app shows, or one of your 8-digit recovery codes."
        )
        self.fields["code"].widget.attrs["inputmode"] = "text"


class ReauthenticateForm(_CodeMixin, GovukFormMixin, mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Security code"


class ActivateTOTPForm(_CodeMixin, GovukFormMixin, totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app"
        self.fields["code"].help_text = "Enter the 6-digit code the app shows for Continuum."


class PasswordReauthenticateForm(GovukFormMixin, account_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["password"].help_text = ""


class ChangePasswordForm(GovukFormMixin, account_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["oldpassword"].label = "Current password"
        self.fields["oldpassword"].help_text = ""
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm new password"
