from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseForbidden, HttpResponseServerError
from django.template import loader


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


@login_not_required
def not_offered(request, *args, **kwargs):
    """An account page of django-allauth that Continuum does not offer (urls.py)."""
    raise Http404("Not offered")


def csrf_failure(request, reason: str = ""):
    """A form sent without its (valid) CSRF token: the service's page, saying nothing was saved
    and what to do, instead of Django's bare 403 (CSRF_FAILURE_VIEW)."""
    html = loader.get_template("403_csrf.html").render({}, request)
    return HttpResponseForbidden(html)
