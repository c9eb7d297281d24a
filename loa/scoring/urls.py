from django.urls import path

from loa.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.rubric_new, name="rubric_new"),
    path("<int:year>/", views.ranking, name="ranking"),
    path("<int:year>/ranking.<str:fmt>", views.ranking_export, name="ranking_export"),
    path("<int:year>/announcement.<str:fmt>", views.announcement, name="announcement"),
    path("<int:year>/units/<int:unit_id>/", views.unit_score, name="unit"),
    path("<int:year>/units/<int:unit_id>/sheet.pdf", views.score_sheet, name="sheet"),
    path("<int:year>/units/<int:unit_id>/adjust/", views.adjust, name="adjust"),
    path("<int:year>/rubric/", views.rubric_detail, name="rubric"),
    path("<int:year>/rubric/criteria/new/", views.criterion_edit, name="criterion_new"),
    path("<int:year>/rubric/criteria/<int:pk>/", views.criterion_edit, name="criterion"),
    path("<int:year>/rubric/levels/new/", views.level_edit, name="level_new"),
    path("<int:year>/rubric/levels/<int:pk>/", views.level_edit, name="level"),
    path("<int:year>/freeze/", views.freeze, name="freeze"),
    path("<int:year>/unfreeze/", views.unfreeze, name="unfreeze"),
    path("<int:year>/recompute/", views.recompute, name="recompute"),
]
