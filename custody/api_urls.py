"""The custody API's routes, included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
