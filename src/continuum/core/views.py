from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator

from continuum.core.forms import GovukFormMixin


class GovukAuthenticationForm(GovukFormMixin, auth_views.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both may be case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = GovukAuthenticationForm
    redirect_authenticated_user = True
