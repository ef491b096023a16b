from django.urls import path

from continuum.linkage import views

app_name = "linkage"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/columns/", views.import_mapping, name="import_mapping"),
    path("imports/<int:job_id>/errors.csv", views.import_errors, name="import_errors"),
    path("model/", views.model_settings, name="model"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("people/<int:person_id>/merge/", views.merge_start, name="merge_start"),
    path("people/<int:person_id>/merge/<int:other_id>/", views.merge_confirm, name="merge_confirm"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
