from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from assignment import api as assignment_api
from intake import api as intake_api
from intake import lead_api, party_api, portal_api
from payments import api as payments_api

from . import alert_views, deadline_views, views

api_v1: list[URLPattern | URLResolver] = [
    path("cases/", intake_api.CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", intake_api.CaseDetailApi.as_view(), name="api-case-detail"),
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
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("progress/", portal_api.ProgressQueryApi.as_view(), name="api-progress"),
    path("progress/case/", portal_api.ProgressCaseApi.as_view(), name="api-progress-case"),
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
    path("progress/leads/", lead_api.PartyLeadsApi.as_view(), name="api-progress-leads"),
    path("progress/slots/", party_api.FreeSlotsApi.as_view(), name="api-progress-slots"),
    path("progress/appointments/", party_api.AppointmentsApi.as_view(), name="api-progress-appointments"),
    path(
        "progress/appointments/<int:pk>/cancel/",
        party_api.CancelAppointmentApi.as_view(),
        name="api-progress-appointment-cancel",
    ),
    path("progress/messages/", party_api.MessagesApi.as_view(), name="api-progress-messages"),
    path("slots/", party_api.SlotsApi.as_view(), name="api-slots"),
    path("slots/<int:pk>/withdraw/", party_api.WithdrawSlotApi.as_view(), name="api-slot-withdraw"),
    path("", include("custody.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/close/", deadline_views.close_case, name="case-close"),
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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/<path:rest>", views.api_not_found),
]
