from allauth.account import views as account_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from continuum.api import api
from continuum.core import views as core_views
from continuum.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    # django-allauth's sign-in (password, second factor, single sign-on), at the address staff
    # know; its other pages (second factor, password reset, single sign-on) under accounts/.
    path("sign-in/", account_views.login, name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # allauth pages Continuum does not offer: staff accounts, and the email address single
    # sign-on matches on, are managed by an administrator, not changed by their holder.
    *[
        path(f"accounts/{prefix}", core_views.not_offered)
        for prefix in ("email/", "confirm-email/", "password/set/", "3rdparty/", "social/")
    ],
    path("accounts/", include("allauth.urls")),
    path("people/", include("continuum.people.urls")),
    path("audit/", include("continuum.audit.urls")),
    path("linkage/", include("continuum.linkage.urls")),
    path("referrals/", include("continuum.referrals.urls")),
    path("outcomes/", include("continuum.outcomes.urls")),
    path("hubs/", include("continuum.hubs.urls")),
    path("directory/", include("continuum.servicedirectory.urls")),
    path("casework/", include("continuum.casework.urls")),
    path("api/", api.urls),
]

# GOV.UK-styled error pages: 403.html and 404.html (core/templates) through Django's handlers;
# the 500 page without the database or context processors.
handler500 = "continuum.core.views.server_error"
