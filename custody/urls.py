"""The custody pages' routes, included under ``/custody/`` by ``enforcement.urls``."""

from django.urls import URLPattern

app_name = "custody"

urlpatterns: list[URLPattern] = []
