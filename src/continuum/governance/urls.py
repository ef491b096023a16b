from django.urls import path

from continuum.governance import views

app_name = "governance"

urlpatterns = [
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/<int:access_id>/end/", views.break_glass_end, name="break_glass_end"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path(
        "break-glass/reviews/<int:access_id>/", views.break_glass_review, name="break_glass_review"
    ),
    path("restrictions/", views.restrictions, name="restrictions"),
    path("people/<int:person_id>/restrict/", views.restriction_add, name="restriction_add"),
    path(
        "restrictions/<int:restriction_id>/lift/", views.restriction_lift, name="restriction_lift"
    ),
]
