from django.urls import path

from loa.fanpages import views, views_address

app_name = "fanpages"
urlpatterns = [
    path("", views.index, name="index"),
    path("silent/", views.silent, name="silent"),
    path("unit/<int:unit_id>/", views.unit_detail, name="unit"),
    path("unit/<int:unit_id>/address/", views_address.page_address, name="address"),
    path("unit/<int:unit_id>/posts/", views.log_post, name="log_post"),
    path("unit/<int:unit_id>/posts/import/", views.import_posts, name="import_posts"),
    path("unit/<int:unit_id>/likes/", views.declare_likes, name="declare_likes"),
    path("unit/<int:unit_id>/likes/<int:declaration_id>/screenshot", views.likes_screenshot, name="likes_screenshot"),
    path("unit/<int:unit_id>/token/", views.token, name="token"),
    path("unit/<int:unit_id>/poster.pdf", views.poster, name="poster"),
    path("unit/<int:unit_id>/followers/", views.followers, name="followers"),
]

# The short link on the posters lives at the site's root: /l/<code> (name 'fanpage_short') in loa/urls.py.
