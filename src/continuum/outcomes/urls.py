from django.urls import path

from continuum.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("report/", views.cohort, name="cohort"),
    path("households/<int:household_id>/", views.journey, name="journey"),
    path("households/<int:household_id>/readings/add/", views.reading_add, name="reading_add"),
]
