from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from intake import api as intake_api
from intake import lead_api, party_api, portal_api

from . import views
from .api import docs as api_docs
from .views import alerts as alert_views
from .views import closure as closure_views
from .views import deadlines as deadline_views

api_v1: list[URLPattern | URLResolver] = [
    path("cases/", intake_api.CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", intake_api.CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/interview/", intake_api.FirstInterviewApi.as_view(), name="api-case-interview"),
    path(
        "cases/<int:pk>/interview/lock/",
        intake_api.LockFirstInterviewApi.as_view(),
        name="api-case-interview-lock",
    ),
    path(
        "cases/<int:pk>/notices/deliveries/",
        intake_api.NoticeDeliveriesApi.as_view(),
        name="api-case-notice-deliveries",
    ),
    path("", include("enforcement.api.urls")),
    path("", include("assignment.api_urls")),
    path("progress/", portal_api.ProgressQueryApi.as_view(), name="api-progress"),
    path("progress/case/", portal_api.ProgressCaseApi.as_view(), name="api-progress-case"),
    path("", include("payments.api_urls")),
    path("progress/leads/", lead_api.PartyLeadsApi.as_view(), name="api-progress-leads"),
    path("progress/slots/", party_api.FreeSlotsApi.as_view(), name="api-progress-slots"),
    path("progress/appointments/", party_api.AppointmentsApi.as_view(), name="api-progress-appointments"),
    path(
        "progress/appointments/<int:pk>/cancel/",
        party_api.CancelAppointmentApi.as_view(),
        name="api-progress-appointment-cancel",
    ),
    path("progress/messages/", party_api.MessagesApi.as_view(), name="api-progress-messages"),
    path("progress/messages/read/", party_api.MessagesReadApi.as_view(), name="api-progress-messages-read"),
    path("slots/", party_api.SlotsApi.as_view(), name="api-slots"),
    path("slots/<int:pk>/withdraw/", party_api.WithdrawSlotApi.as_view(), name="api-slot-withdraw"),
    path("", include("custody.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/close/", closure_views.close_case, name="case-close"),
    path(
        "cases/<int:pk>/deadlines/<int:deadline_id>/deductions/",
        deadline_views.add_deduction,
        name="deduction-add",
    ),
    path(
        "cases/<int:pk>/deductions/<int:deduction_id>/end/",
        deadline_views.end_deduction,
        name="deduction-end",
    ),
    path(
        "cases/<int:pk>/deductions/<int:deduction_id>/additional-period/",
        deadline_views.approve_additional_period,
        name="deduction-additional-period",
    ),
    path(
        "cases/<int:pk>/deadlines/<int:deadline_id>/extensions/",
        deadline_views.request_extension,
        name="extension-request",
    ),
    path(
        "cases/<int:pk>/extensions/<int:extension_id>/decide/",
        deadline_views.decide_extension,
        name="extension-decide",
    ),
    path("alerts/", alert_views.supervisor_alerts, name="supervisor-alerts"),
    path("alerts/<int:pk>/acknowledge/", alert_views.acknowledge, name="alert-acknowledge"),
    path("inbox/", alert_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", alert_views.inbox_item, name="inbox-item"),
    path("inbox/read/", alert_views.inbox_read_all, name="inbox-read-all"),
    path("intake/", include("intake.urls")),
    path("assignment/", include("assignment.urls")),
    path("payments/", include("payments.urls")),
    path("custody/", include("custody.urls")),
    path("leads/", include("intake.lead_urls")),
    path("progress/", include("intake.portal_urls")),
    path("meet/", include("intake.party_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    # Anything else under /api (the bare /api and /api/ included) is a 404 in the API's shape.
    re_path(r"^api(?:/(?P<rest>.*))?$", views.api_not_found),
]
