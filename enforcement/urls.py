from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from assignment import api as assignment_api
from payments import api as payments_api
from portal import urls as portal_urls

from . import views
from .api import auth as auth_api
from .api import closure as closure_api
from .api import deadlines as deadlines_api
from .api import docs as api_docs
from .views import alerts as alert_views
from .views import closure as closure_views
from .views import deadlines as deadline_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("intake.api_urls")),
    path("cases/<int:pk>/close/", closure_api.CaseClosureApi.as_view(), name="api-case-close"),
    path("cases/<int:pk>/triage/", assignment_api.TriageApi.as_view(), name="api-case-triage"),
    path(
        "cases/<int:pk>/triage/override/",
        assignment_api.TriageOverrideApi.as_view(),
        name="api-case-triage-override",
    ),
    path("cases/<int:pk>/assign/", assignment_api.AssignApi.as_view(), name="api-case-assign"),
    path("cases/<int:pk>/reassign/", assignment_api.ReassignApi.as_view(), name="api-case-reassign"),
    path("cases/<int:pk>/plan/", assignment_api.PlanApi.as_view(), name="api-case-plan"),
    path("cases/<int:pk>/steps/", assignment_api.StepApi.as_view(), name="api-case-steps"),
    path("cases/<int:pk>/notes/", assignment_api.NotesApi.as_view(), name="api-case-notes"),
    path("assignments/bulk/", assignment_api.BulkAssignApi.as_view(), name="api-bulk-assign"),
    path("queue/", assignment_api.QueueApi.as_view(), name="api-queue"),
    path("auth/token/", auth_api.SignInApi.as_view(), name="api-token"),
    path("auth/logout/", auth_api.SignOutApi.as_view(), name="api-logout"),
    path("auth/logout-all/", auth_api.SignOutAllApi.as_view(), name="api-logout-all"),
    path("bank/notifications/", payments_api.BankNotificationApi.as_view(), name="api-bank-notification"),
    path("bank/unmatched/", payments_api.UnmatchedMoneyApi.as_view(), name="api-bank-unmatched"),
    path(
        "bank/transactions/<int:pk>/claim/",
        payments_api.ClaimTransactionApi.as_view(),
        name="api-bank-transaction-claim",
    ),
    path(
        "bank/transactions/<int:pk>/return/",
        payments_api.ReturnTransactionApi.as_view(),
        name="api-bank-transaction-return",
    ),
    path(
        "bank/transactions/<int:pk>/review-payer/",
        payments_api.ReviewPayerApi.as_view(),
        name="api-bank-transaction-review-payer",
    ),
    path("cases/<int:pk>/money/", payments_api.CaseMoneyApi.as_view(), name="api-case-money"),
    path("cases/<int:pk>/payees/", payments_api.PayeeApi.as_view(), name="api-case-payees"),
    path("cases/<int:pk>/payouts/", payments_api.ProposePayoutApi.as_view(), name="api-case-payouts"),
    path("cases/<int:pk>/holds/", payments_api.RequestHoldApi.as_view(), name="api-case-holds"),
    path("cases/<int:pk>/ledger/take-out/", payments_api.TakeOutApi.as_view(), name="api-case-take-out"),
    path("cases/<int:pk>/transfers/", payments_api.TransferApi.as_view(), name="api-case-transfers"),
    path("payouts/", payments_api.PayoutListApi.as_view(), name="api-payout-list"),
    path("payouts/<int:pk>/approve/", payments_api.ApprovePayoutApi.as_view(), name="api-payout-approve"),
    path("payouts/<int:pk>/reject/", payments_api.RejectPayoutApi.as_view(), name="api-payout-reject"),
    path("payouts/<int:pk>/cancel/", payments_api.CancelPayoutApi.as_view(), name="api-payout-cancel"),
    path("payouts/<int:pk>/pay/", payments_api.PayPayoutApi.as_view(), name="api-payout-pay"),
    path("holds/<int:pk>/approve/", payments_api.ApproveHoldApi.as_view(), name="api-hold-approve"),
    path("holds/<int:pk>/refuse/", payments_api.RefuseHoldApi.as_view(), name="api-hold-refuse"),
    path("holds/<int:pk>/release/", payments_api.ReleaseHoldApi.as_view(), name="api-hold-release"),
    path("ledger/<int:pk>/reverse/", payments_api.ReverseEntryApi.as_view(), name="api-ledger-reverse"),
    path("", include("portal.api_urls")),
    path("deadlines/<int:pk>/", deadlines_api.DeadlineDetailApi.as_view(), name="api-deadline-detail"),
    path(
        "deadlines/<int:pk>/deductions/",
        deadlines_api.DeadlineDeductionsApi.as_view(),
        name="api-deadline-deductions",
    ),
    path("deductions/<int:pk>/end/", deadlines_api.EndDeductionApi.as_view(), name="api-deduction-end"),
    path(
        "deductions/<int:pk>/additional-period/",
        deadlines_api.AdditionalPeriodApi.as_view(),
        name="api-deduction-additional-period",
    ),
    path(
        "deadlines/<int:pk>/extensions/",
        deadlines_api.DeadlineExtensionsApi.as_view(),
        name="api-deadline-extensions",
    ),
    path(
        "extensions/<int:pk>/approve/",
        deadlines_api.ApproveExtensionApi.as_view(),
        name="api-extension-approve",
    ),
    path(
        "extensions/<int:pk>/refuse/", deadlines_api.RefuseExtensionApi.as_view(), name="api-extension-refuse"
    ),
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
    path("leads/", include(portal_urls.lead_urls)),
    path("progress/", include(portal_urls.progress_urls)),
    path("meet/", include(portal_urls.meet_urls)),
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
