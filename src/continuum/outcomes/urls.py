from django.urls import path

from continuum.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("report/", views.cohort, name="cohort"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/add/", views.instrument_add, name="instrument_add"),
    path("instruments/<int:instrument_id>/", views.instrument_edit, name="instrument_edit"),
    path("households/<int:household_id>/", views.journey, name="journey"),
    path("households/<int:household_id>/readings/add/", views.reading_add, name="reading_add"),
]
