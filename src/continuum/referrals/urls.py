from django.urls import path

from continuum.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.my_referrals, name="mine"),
    path("new/<int:person_id>/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<int:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("front-door/", views.queue, name="queue"),
    path("contacts/<int:referral_id>/", views.contact, name="contact"),
    path("contacts/<int:referral_id>/receive/", views.contact_receive, name="receive"),
    path("contacts/<int:referral_id>/notes/", views.contact_note, name="note"),
    path(
        "contacts/<int:referral_id>/request-information/",
        views.contact_request_information,
        name="request_information",
    ),
    path("contacts/<int:referral_id>/decide/", views.contact_decide, name="decide"),
    path("contacts/<int:referral_id>/close/", views.contact_close, name="close"),
    path("contacts/<int:referral_id>/step-up/", views.contact_step_up, name="step_up"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path(
        "requests/<int:request_id>/acknowledge/",
        views.request_acknowledge,
        name="request_acknowledge",
    ),
    path("awaiting-acknowledgement/", views.awaiting_acknowledgement, name="awaiting"),
    path("inbox/", views.inbox, name="inbox"),
    path("receiving-team/", views.receiving_team, name="receiving_team"),
    path("inbox/<int:notification_id>/read/", views.inbox_read, name="inbox_read"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
]
