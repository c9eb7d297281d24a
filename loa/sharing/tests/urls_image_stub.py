"""Loa's routes plus a stand-in `sharing:item_image` (the curate part builds the real view): lets the
public feed's tests see an item's image link whether or not that view is on this branch."""

from django.http import HttpResponse
from django.urls import include, path

from loa import urls as loa_urls
from loa.sharing import urls as sharing_urls


def _image(request, pk):
    return HttpResponse(b"", content_type="image/png")


sharing_routes = [*sharing_urls.urlpatterns, path("items/<int:pk>/image-standin/", _image, name="item_image")]
urlpatterns = [
    path("sharing/", include((sharing_routes, "sharing"))),
    *[p for p in loa_urls.urlpatterns if getattr(p, "namespace", None) != "sharing"],
]
