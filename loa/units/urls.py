from django.urls import include, path

from loa.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("tree/", views.unit_tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("", include("loa.units.urls_import")),
]
