from django.urls import path

from continuum.hubs import views

app_name = "hubs"
urlpatterns = [
    path("", views.timetable, name="timetable"),
    path("activities/add/", views.activity_add, name="activity_add"),
    path("sessions/<int:session_id>/register/", views.session_register, name="register"),
    path("sessions/<int:session_id>/walk-in/", views.session_walk_in, name="walk_in"),
    path("sessions/<int:session_id>/quick-add/", views.session_quick_add, name="quick_add"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="cancel"),
    path("families/register/", views.family_register, name="family_register"),
    path(
        "households/<int:household_id>/register/",
        views.household_register,
        name="household_register",
    ),
    path("households/<int:household_id>/engagement/", views.engagement, name="engagement"),
    path("households/<int:household_id>/volunteer/", views.match_start, name="match_start"),
    path("households/<int:household_id>/risk-factors/", views.risk_flags, name="risk_flags"),
    path(
        "households/<int:household_id>/risk-factors/add/",
        views.risk_flag_add,
        name="risk_flag_add",
    ),
    path(
        "risk-factors/<int:flag_id>/withdraw/", views.risk_flag_withdraw, name="risk_flag_withdraw"
    ),
    path("reach/", views.reach, name="reach"),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/<int:entry_id>/", views.outreach_entry, name="outreach_entry"),
    path("volunteering/", views.volunteering, name="volunteering"),
    path("volunteering/<int:match_id>/", views.match_detail, name="match"),
    path(
        "volunteering/volunteers/<int:user_id>/", views.volunteer_profile, name="volunteer_profile"
    ),
]
