from django.urls import path

from continuum.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("add/", views.person_add, name="add"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/birth/", views.person_record_birth, name="record_birth"),
    path("<int:person_id>/relationships/add/", views.relationship_add, name="relationship_add"),
    path("<int:person_id>/address/move/", views.address_move, name="address_move"),
    path("<int:person_id>/address/correct/", views.address_correct, name="address_correct"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path(
        "households/<int:household_id>/members/add/",
        views.household_add_member,
        name="household_add_member",
    ),
]
