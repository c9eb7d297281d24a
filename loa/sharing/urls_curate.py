"""The curators' pages (/sharing/curate/…) and an item's image (/sharing/items/<id>/image/)."""

from django.urls import path

from loa.sharing import views_curate as v

urlpatterns = [
    path("curate/", v.curate_home, name="curate"),
    path("curate/<int:unit_id>/", v.item_list, name="curate_list"),
    path("curate/<int:unit_id>/new/", v.item_create, name="curate_new"),
    path("curate/items/<int:pk>/", v.item_edit, name="curate_edit"),
    path("curate/items/<int:pk>/retire/", v.item_retire, name="curate_retire"),
    path("curate/from-publication/<int:pk>/", v.item_from_publication, name="curate_from_publication"),
    path("items/<int:pk>/image/", v.item_image, name="item_image"),
]
