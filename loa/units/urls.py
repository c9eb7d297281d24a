from django.urls import include, path

from loa.units import views

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
    path("", include("loa.units.urls_import")),
]
