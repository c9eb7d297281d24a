from django.urls import path

from loa.articles import views_admin as a
from loa.articles import views_progress as p
from loa.articles import views_review as r
from loa.articles import views_submissions as s

app_name = "articles"
urlpatterns = [
    path("", s.index, name="index"),
    path("units/<int:unit_id>/new/", s.submission_new, name="new"),
    path("<int:pk>/", s.submission_detail, name="detail"),
    path("<int:pk>/edit/", s.submission_edit, name="edit"),
    path("<int:pk>/submit/", s.submission_submit, name="submit"),
    path("<int:pk>/photos/", s.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_id>/", s.photo_file, name="photo"),
    path("<int:pk>/photos/<int:photo_id>/delete/", s.photo_delete, name="photo_delete"),
    path("<int:pk>/docx/", s.docx_import, name="docx"),
    path("<int:pk>/review/", r.review, name="review"),
    path("<int:pk>/publish/", r.publish, name="publish"),
    path("<int:pk>/comment/", r.comment, name="comment"),
    path("review/", r.queue, name="queue"),
    path("claims/", r.claims, name="claims"),
    path("claims/<int:pk>/decide/", r.claim_decide, name="claim_decide"),
    path("units/<int:unit_id>/claim/", r.claim_new, name="claim_new"),
    path("progress/", p.progress, name="progress"),
    path("progress.<str:fmt>", p.progress_export, name="progress_export"),
    path("progress/units/<int:unit_id>/", p.unit_progress, name="unit_progress"),
    path("chart/", p.chart, name="chart"),
    path("quotas/", a.quotas, name="quotas"),
    path("quotas.<str:fmt>", a.quotas_export, name="quotas_export"),
    path("quotas/rule/", a.quotas_rule, name="quotas_rule"),
    path("quotas/import/", a.quotas_import, name="quotas_import"),
    path("channels/", a.channels, name="channels"),
    path("channels/new/", a.channel_edit, name="channel_new"),
    path("channels/<int:pk>/", a.channel_edit, name="channel_edit"),
]
