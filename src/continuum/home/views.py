from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.home import selectors


@require_GET
def home(request):
    """Where sign-in lands: what this role needs to do today, most urgent first."""
    return render(
        request, "home/home.html", {"home": selectors.home_for(request.user), "nav": "home"}
    )
