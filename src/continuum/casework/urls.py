from django.urls import path

from continuum.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("households/<int:household_id>/episodes/", views.household_episodes, name="household"),
    path("households/<int:household_id>/episodes/open/", views.episode_open, name="episode_open"),
    path(
        "households/<int:household_id>/chronology/",
        views.household_chronology,
        name="household_chronology",
    ),
    path(
        "households/<int:household_id>/chronology/add/",
        views.chronology_add,
        name="chronology_add",
    ),
    path("people/<int:person_id>/chronology/", views.person_chronology, name="person_chronology"),
    path("episodes/<int:episode_id>/", views.episode_detail, name="episode"),
    path("episodes/<int:episode_id>/taf/invite/", views.taf_invite, name="taf_invite"),
    path("episodes/<int:episode_id>/lead/", views.episode_change_lead, name="change_lead"),
    path("episodes/<int:episode_id>/taf/<int:member_id>/leave/", views.taf_leave, name="taf_leave"),
    path("episodes/<int:episode_id>/visits/new/", views.visit_record, name="visit_record"),
    path("episodes/<int:episode_id>/visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path(
        "episodes/<int:episode_id>/prompts/<int:prompt_id>/",
        views.prompt_resolve,
        name="prompt_resolve",
    ),
    path("episodes/<int:episode_id>/plan/", views.plan_detail, name="plan"),
    path("episodes/<int:episode_id>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("episodes/<int:episode_id>/plan/actions/add/", views.action_add, name="action_add"),
    path(
        "episodes/<int:episode_id>/plan/actions/<int:action_id>/",
        views.action_edit,
        name="action_edit",
    ),
    path("episodes/<int:episode_id>/plan/reviews/add/", views.review_record, name="review_add"),
    path(
        "episodes/<int:episode_id>/assessments/start/",
        views.assessment_start,
        name="assessment_start",
    ),
    path("episodes/<int:episode_id>/plan/end/", views.cin_plan_end, name="cin_plan_end"),
    path(
        "episodes/<int:episode_id>/children/<int:child_id>/end/",
        views.episode_child_end,
        name="episode_child_end",
    ),
    path("episodes/<int:episode_id>/s47/start/", views.s47_start, name="s47_start"),
    path(
        "episodes/<int:episode_id>/s47/<int:s47_id>/outcome/",
        views.s47_outcome,
        name="s47_outcome",
    ),
    path(
        "episodes/<int:episode_id>/s47/<int:s47_id>/conference/",
        views.icpc_record,
        name="icpc_record",
    ),
    path(
        "episodes/<int:episode_id>/cp-plans/<int:plan_id>/reviews/add/",
        views.cp_review_add,
        name="cp_review_add",
    ),
    path(
        "episodes/<int:episode_id>/cp-plans/<int:plan_id>/end/",
        views.cp_plan_end,
        name="cp_plan_end",
    ),
    path("episodes/<int:episode_id>/close/", views.episode_close, name="episode_close"),
    path(
        "episodes/<int:episode_id>/close/decide/",
        views.episode_close_decide,
        name="episode_close_decide",
    ),
    path(
        "episodes/<int:episode_id>/visits/<int:visit_id>/attachments/add/",
        views.visit_attachment_add,
        name="visit_attachment_add",
    ),
    path(
        "episodes/<int:episode_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_id>/attachments/add/",
        views.assessment_attachment_add,
        name="assessment_attachment_add",
    ),
    path(
        "assessments/<int:assessment_id>/family/",
        views.assessment_family,
        name="assessment_family",
    ),
    path(
        "assessments/<int:assessment_id>/children/<int:person_id>/",
        views.assessment_child,
        name="assessment_child",
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        views.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<int:assessment_id>/sign-off/",
        views.assessment_sign_off,
        name="assessment_sign_off",
    ),
    path(
        "assessments/<int:assessment_id>/return/",
        views.assessment_return,
        name="assessment_return",
    ),
]
