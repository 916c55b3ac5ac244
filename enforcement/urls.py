from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from portal import urls as portal_urls

from . import views
from .api import docs as api_docs
from .views import alerts as alert_views
from .views import certificates as certificate_views
from .views import closure as closure_views
from .views import deadlines as deadline_views
from .views import indicators as indicator_views
from .views import supervision as supervision_views

api_v1: list[URLPattern | URLResolver] = [
    # Each app's API routes are in its api_urls (the core's in enforcement/api/urls.py); no two overlap.
    path("", include("enforcement.api.urls")),
    path("", include("intake.api_urls")),
    path("", include("portal.api_urls")),
    path("", include("assignment.api_urls")),
    path("", include("custody.api_urls")),
    path("", include("payments.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/close/", closure_views.close_case, name="case-close"),
    path("cases/<int:pk>/close/evidence/", closure_views.record_evidence, name="case-closure-evidence"),
    path("cases/<int:pk>/close/interview/", closure_views.closure_interview, name="case-closure-interview"),
    path("cases/<int:pk>/close/service/", closure_views.record_service, name="case-closure-service"),
    path(
        "closure-interviews/<int:pk>/",
        closure_views.closure_interview_record,
        name="closure-interview-record",
    ),
    path(
        "closure-interviews/<int:pk>/pdf/", closure_views.closure_interview_pdf, name="closure-interview-pdf"
    ),
    path("closure-proposals/<int:pk>/review/", closure_views.review_closure, name="closure-review"),
    path("closure-proposals/<int:pk>/withdraw/", closure_views.withdraw_closure, name="closure-withdraw"),
    path("closures/reviews/", closure_views.review_queue, name="closure-reviews"),
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
    path("cases/<int:pk>/certificates/", certificate_views.issue, name="certificate-issue"),
    path(
        "cases/<int:pk>/certificates/<int:certificate_id>/revoke/",
        certificate_views.revoke,
        name="certificate-revoke",
    ),
    path(
        "cases/<int:pk>/certificates/<int:certificate_id>/pdf/",
        certificate_views.document,
        name="certificate-pdf",
    ),
    path("supervision/", supervision_views.hub, name="supervision"),
    path("alerts/", alert_views.supervisor_alerts, name="supervisor-alerts"),
    path("alerts/acknowledge/", alert_views.acknowledge_many, name="alert-acknowledge-many"),
    path("alerts/<int:pk>/acknowledge/", alert_views.acknowledge, name="alert-acknowledge"),
    path("indicators/", indicator_views.overview, name="indicators"),
    path("indicators/<str:code>/cases/", indicator_views.figure_cases, name="indicator-cases"),
    path("inbox/", alert_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", alert_views.inbox_item, name="inbox-item"),
    path("inbox/read/", alert_views.inbox_read_all, name="inbox-read-all"),
    path("intake/", include("intake.urls")),
    path("assignment/", include("assignment.urls")),
    path("payments/", include("payments.urls")),
    path("custody/", include("custody.urls")),
    path("leads/", include(portal_urls.lead_urls)),
    path("progress/", include(portal_urls.progress_urls)),
    path("meet/", include(portal_urls.meet_urls)),
    path("verify/", include(portal_urls.verify_urls)),
    path("dishonest/", include(portal_urls.credit_urls)),
    path("lobby/", include(portal_urls.lobby_urls)),
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
