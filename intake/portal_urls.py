"""The parties' pages, under /progress/ (no account), and the supervisors' list of throttled queries."""

from django.urls import path

from . import portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.query, name="query"),
    path("case/", portal_views.progress_page, name="progress"),
    path("leave/", portal_views.leave, name="leave"),
    path("throttled/", portal_views.throttled, name="throttled"),
]
