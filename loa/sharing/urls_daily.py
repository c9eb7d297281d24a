"""Today's list: the page a morning message's link opens, and the same page for a signed-in officer."""

from django.urls import path

from loa.sharing import views_daily as v

urlpatterns = [
    path("today/", v.today, name="today"),
    path("today/<int:unit_id>/items/<int:item_id>/shared/", v.today_mark, name="today_mark"),
    path("t/<str:token>/", v.link_page, name="link"),
    path("t/<str:token>/items/<int:item_id>/shared/", v.link_mark, name="link_mark"),
]
