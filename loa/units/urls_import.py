from django.urls import path

from loa.units import views_import

urlpatterns = [
    path("import/", views_import.import_start, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:job_id>/commit/", views_import.import_commit, name="import_commit"),
    path("import/<int:job_id>/recheck/", views_import.import_recheck, name="import_recheck"),
]
