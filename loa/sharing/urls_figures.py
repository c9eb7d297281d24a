"""/sharing/figures/: share rates per unit and per item, and their exports (views_figures)."""

from django.urls import path

from loa.sharing import views_figures as views

urlpatterns = [
    path("", views.figures, name="figures"),
    path("export.<str:fmt>", views.figures_export, name="figures_export"),
    path("unit/<int:unit_id>/", views.figures_unit, name="figures_unit"),
    path("item/<int:item_id>/", views.figures_item, name="figures_item"),
    path("item/<int:item_id>/export.<str:fmt>", views.figures_item_export, name="figures_item_export"),
]
