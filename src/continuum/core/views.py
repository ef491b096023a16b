from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.template import loader
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


def server_error(request, template_name: str = "500.html"):
    """The 500 page, in the service's layout, from settings alone: no database query and no
    context processor (either may be what failed), so the page itself cannot fail the same way.
    It gives the request id to quote when reporting the problem."""
    html = loader.get_template(template_name).render(
        {
            "service_name": settings.CONTINUUM_SERVICE_NAME,
            "area_name": settings.CONTINUUM_AREA_NAME,
            "request_id": getattr(request, "request_id", ""),
        }
    )
    return HttpResponseServerError(html)
