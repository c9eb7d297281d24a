from django.urls import include, path

from loa.units import views, views_kinds, views_remap, views_restructure

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("export.<str:fmt>", views.unit_export, name="export"),
    path("tree/", views.unit_tree, name="tree"),
    path("pick/", views.unit_pick, name="pick"),
    path("new/", views.unit_create, name="create"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/move/", views.unit_move, name="move"),
    path("<int:pk>/deactivate/", views.unit_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.unit_reactivate, name="reactivate"),
    path("<int:pk>/merge/", views_restructure.unit_merge, name="merge"),
    path("<int:pk>/split/", views_restructure.unit_split, name="split"),
    path("restructurings/", views_remap.restructuring_list, name="restructurings"),
    path("restructurings/<int:pk>/", views_remap.restructuring_detail, name="restructuring"),
    path("restructurings/<int:pk>/apply/", views_remap.restructuring_apply, name="restructuring_apply"),
    path("kinds/", views_kinds.kind_list, name="kinds"),
    path("kinds/new/", views_kinds.kind_create, name="kind_create"),
    path("kinds/<int:pk>/edit/", views_kinds.kind_edit, name="kind_edit"),
    path("kinds/<int:pk>/move/", views_kinds.kind_move, name="kind_move"),
    path("kinds/<int:pk>/retire/", views_kinds.kind_retire, name="kind_retire"),
    path("kinds/<int:pk>/restore/", views_kinds.kind_restore, name="kind_restore"),
    path("kinds/<int:pk>/delete/", views_kinds.kind_delete, name="kind_delete"),
    path("", include("loa.units.urls_import")),
]
