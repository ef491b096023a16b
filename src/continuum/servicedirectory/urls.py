from django.urls import path

from continuum.servicedirectory import views

app_name = "servicedirectory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<int:service_id>/", views.detail, name="detail"),
    path("find/", views.public_search, name="public_search"),
    path("find/services/<int:service_id>/", views.public_detail, name="public_detail"),
    path("households/<int:household_id>/signpost/", views.signpost, name="signpost"),
    path("open-referral/services.json", views.export, name="export"),
    path("open-referral/import/", views.import_view, name="import"),
]
