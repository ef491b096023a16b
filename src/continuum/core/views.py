from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


def home(request):
    return redirect(reverse("people:search"))


@login_not_required
def not_offered(request, *args, **kwargs):
    """An account page of django-allauth that Continuum does not offer (urls.py)."""
    raise Http404("Not offered")
