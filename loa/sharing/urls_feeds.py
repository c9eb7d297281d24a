"""/sharing/feeds/ (official sites' feeds and their entries) and /sharing/public/ (the public feed)."""

from django.urls import path

from loa.sharing import views_feeds, views_public

urlpatterns = [
    path("feeds/", views_feeds.feed_list, name="feeds"),
    path("feeds/new/<int:unit_id>/", views_feeds.feed_create, name="feed_create"),
    path("feeds/<int:pk>/active/", views_feeds.feed_toggle, name="feed_toggle"),
    path("feeds/entries/", views_feeds.entry_list, name="feed_entries"),
    path("feeds/entries/<int:pk>/", views_feeds.entry_approve, name="feed_entry_approve"),
    path("feeds/entries/<int:pk>/dismiss/", views_feeds.entry_dismiss, name="feed_entry_dismiss"),
    path("public/<str:key>/", views_public.public_page, name="public"),
    path("public/<str:key>/rss.xml", views_public.public_rss, name="public_rss"),
    path("public/<str:key>/atom.xml", views_public.public_atom, name="public_atom"),
    path("public/<str:key>/feed.json", views_public.public_json, name="public_json"),
]
