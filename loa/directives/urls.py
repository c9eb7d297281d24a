from django.urls import path

from loa.directives import views_directives as d
from loa.directives import views_files as f
from loa.directives import views_import as i
from loa.directives import views_report as r
from loa.directives import views_tracking as t

app_name = "directives"
urlpatterns = [
    path("", d.directive_list, name="list"),
    path("new/", d.directive_create, name="create"),
    path("<int:pk>/", d.directive_detail, name="detail"),
    path("<int:pk>/edit/", d.directive_edit, name="edit"),
    path("<int:pk>/recipients/", d.directive_recipients, name="recipients"),
    path("<int:pk>/tasks/new/", d.task_create, name="task_create"),
    path("<int:pk>/issue/", d.directive_issue, name="issue"),
    path("<int:pk>/attachments/", d.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", d.attachment_download, name="attachment"),
    path("tasks/<int:pk>/edit/", d.task_edit, name="task_edit"),
    path("tasks/<int:pk>/tracking/", t.task_tracking, name="tracking"),
    path("tasks/<int:pk>/remind/", t.task_remind, name="remind"),
    path("tasks/<int:pk>/units/<int:unit_id>/", t.assignment_detail, name="assignment"),
    path("tasks/<int:pk>/units/<int:unit_id>/return/", t.assignment_return, name="return"),
    path("tasks/<int:pk>/units/<int:unit_id>/report/", r.report_form, name="report"),
    path("tasks/<int:pk>/units/<int:unit_id>/receipt/", r.report_receipt, name="receipt"),
    path("<int:pk>/document.<str:fmt>", f.directive_file, name="document"),
    path("tasks/<int:pk>/tracking.<str:fmt>", f.tracking_export, name="tracking_export"),
    path("tasks/<int:pk>/consolidated.<str:fmt>", f.consolidated, name="consolidated"),
    path("tasks/<int:pk>/consolidated/", f.consolidated_export, name="consolidated_export"),
    path("tasks/<int:pk>/units/<int:unit_id>/form.<str:fmt>", f.unit_form, name="unit_form"),
    path("r/<str:token>/", r.onetap_open, name="onetap"),
    path("tasks/<int:pk>/import/", i.import_start, name="import_start"),
    path("tasks/<int:pk>/import/<int:batch_id>/", i.import_batch, name="import_batch"),
    path("tasks/<int:pk>/import/<int:batch_id>/files/<int:file_id>/", i.import_file, name="import_file"),
]
