from django.urls import path

from continuum.audit import views

app_name = "audit"
urlpatterns = [path("people/<int:person_id>/", views.person_log, name="person_log")]
