"""The assignment API's routes, included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern, path

from . import api, pool_api

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/triage/", api.TriageApi.as_view(), name="api-case-triage"),
    path("cases/<int:pk>/triage/override/", api.TriageOverrideApi.as_view(), name="api-case-triage-override"),
    path("cases/<int:pk>/assign/", api.AssignApi.as_view(), name="api-case-assign"),
    path("cases/<int:pk>/reassign/", api.ReassignApi.as_view(), name="api-case-reassign"),
    path("cases/<int:pk>/plan/", api.PlanApi.as_view(), name="api-case-plan"),
    path("cases/<int:pk>/steps/", api.StepApi.as_view(), name="api-case-steps"),
    path("cases/<int:pk>/notes/", api.NotesApi.as_view(), name="api-case-notes"),
    path("assignments/bulk/", api.BulkAssignApi.as_view(), name="api-bulk-assign"),
    path("queue/", api.QueueApi.as_view(), name="api-queue"),
    path("pool/", pool_api.PoolOverviewApi.as_view(), name="api-pool"),
    path("cases/<int:pk>/pool/", pool_api.CasePoolApi.as_view(), name="api-case-pool"),
    path("cases/<int:pk>/pool/rounds/", pool_api.PoolRoundApi.as_view(), name="api-case-pool-round"),
    path(
        "cases/<int:pk>/pool/leads/verified/",
        pool_api.PoolLeadVerifiedApi.as_view(),
        name="api-case-pool-lead",
    ),
]
