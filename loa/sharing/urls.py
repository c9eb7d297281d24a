"""/sharing/: each part of the area keeps its own url module, included here."""

from django.urls import include, path  # noqa: F401  (each part adds its line)

app_name = "sharing"

urlpatterns: list = [
    # path("…", include("loa.sharing.urls_<part>")),
    path("figures/", include("loa.sharing.urls_figures")),
]
