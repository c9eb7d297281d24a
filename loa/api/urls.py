from django.urls import path

from loa.api.router import api

urlpatterns = [path("", api.urls)]
