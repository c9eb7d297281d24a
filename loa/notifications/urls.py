from django.urls import path

from loa.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/retry/", views.message_retry_view, name="retry"),
]
