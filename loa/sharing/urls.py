"""/sharing/: each part of the area keeps its own url module, included here."""

from django.urls import include, path

app_name = "sharing"

urlpatterns: list = [
    # path("…", include("loa.sharing.urls_<part>")),
    path("", include("loa.sharing.urls_feeds")),
    path("", include("loa.sharing.urls_curate")),
]
