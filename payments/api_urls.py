"""The money API's routes, included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern, path

from . import api

urlpatterns: list[URLPattern] = [
    path("bank/notifications/", api.BankNotificationApi.as_view(), name="api-bank-notification"),
    path("bank/unmatched/", api.UnmatchedMoneyApi.as_view(), name="api-bank-unmatched"),
    path(
        "bank/transactions/<int:pk>/claim/",
        api.ClaimTransactionApi.as_view(),
        name="api-bank-transaction-claim",
    ),
    path(
        "bank/transactions/<int:pk>/return/",
        api.ReturnTransactionApi.as_view(),
        name="api-bank-transaction-return",
    ),
    path(
        "bank/transactions/<int:pk>/review-payer/",
        api.ReviewPayerApi.as_view(),
        name="api-bank-transaction-review-payer",
    ),
    path("cases/<int:pk>/money/", api.CaseMoneyApi.as_view(), name="api-case-money"),
    path("cases/<int:pk>/payees/", api.PayeeApi.as_view(), name="api-case-payees"),
    path("cases/<int:pk>/payouts/", api.ProposePayoutApi.as_view(), name="api-case-payouts"),
    path("cases/<int:pk>/holds/", api.RequestHoldApi.as_view(), name="api-case-holds"),
    path("cases/<int:pk>/ledger/take-out/", api.TakeOutApi.as_view(), name="api-case-take-out"),
    path("cases/<int:pk>/transfers/", api.TransferApi.as_view(), name="api-case-transfers"),
    path("payouts/", api.PayoutListApi.as_view(), name="api-payout-list"),
    path("payouts/<int:pk>/approve/", api.ApprovePayoutApi.as_view(), name="api-payout-approve"),
    path("payouts/<int:pk>/reject/", api.RejectPayoutApi.as_view(), name="api-payout-reject"),
    path("payouts/<int:pk>/cancel/", api.CancelPayoutApi.as_view(), name="api-payout-cancel"),
    path("payouts/<int:pk>/pay/", api.PayPayoutApi.as_view(), name="api-payout-pay"),
    path("holds/<int:pk>/approve/", api.ApproveHoldApi.as_view(), name="api-hold-approve"),
    path("holds/<int:pk>/refuse/", api.RefuseHoldApi.as_view(), name="api-hold-refuse"),
    path("holds/<int:pk>/release/", api.ReleaseHoldApi.as_view(), name="api-hold-release"),
    path("ledger/<int:pk>/reverse/", api.ReverseEntryApi.as_view(), name="api-ledger-reverse"),
]
