from django.urls import path

from . import forecast_views, pool_views, views, workload_views

app_name = "assignment"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/<int:pk>/triage/", views.triage, name="triage"),
    path("desk/<int:pk>/assign/", views.assign, name="assign"),
    path("desk/bulk/", views.bulk_assign, name="bulk-assign"),
    path("queue/", views.queue, name="queue"),
    path("cases/<int:pk>/override/", views.override, name="override"),
    path("cases/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("cases/<int:pk>/plan/", views.plan, name="plan"),
    path("cases/<int:pk>/steps/<slug:step>/", views.step, name="step"),
    path("cases/<int:pk>/notes/", views.note, name="note"),
    path("workload/", workload_views.workload_page, name="workload"),
    path("workload/rebalance/", workload_views.rebalance_view, name="workload-rebalance"),
    path("forecast/", forecast_views.forecast_page, name="forecast"),
    path("pool/", pool_views.pool_page, name="pool"),
    path("cases/<int:pk>/pool/rounds/", pool_views.record_round, name="pool-round"),
    path("cases/<int:pk>/pool/leads/", pool_views.lead_verified, name="pool-lead"),
]
