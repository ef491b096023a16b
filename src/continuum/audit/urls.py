from django.urls import path

from continuum.audit import views

app_name = "audit"
urlpatterns = [
    path("people/<int:person_id>/", views.person_log, name="person_log"),
    path("staff/", views.staff_index, name="staff_index"),
    path("staff/<int:user_id>/", views.staff_log, name="staff_log"),
]
