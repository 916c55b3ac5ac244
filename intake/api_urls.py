"""The window's API under /api/v1/: cases, the first interview and the notices handed over."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/interview/", api.FirstInterviewApi.as_view(), name="api-case-interview"),
    path(
        "cases/<int:pk>/interview/lock/", api.LockFirstInterviewApi.as_view(), name="api-case-interview-lock"
    ),
    path("cases/<int:pk>/resume/", api.ResumeApi.as_view(), name="api-case-resume"),
    path(
        "cases/<int:pk>/notices/deliveries/",
        api.NoticeDeliveriesApi.as_view(),
        name="api-case-notice-deliveries",
    ),
]
