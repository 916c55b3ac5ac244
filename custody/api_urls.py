"""The custody API's routes, included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern, path

from . import api

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/searches/", api.CaseSearchesApi.as_view(), name="api-custody-case-searches"),
    path("inquiries/<int:pk>/reply/", api.InquiryReplyApi.as_view(), name="api-custody-inquiry-reply"),
    path("cases/<int:pk>/measures/", api.CaseMeasuresApi.as_view(), name="api-custody-case-measures"),
    path("measures/expiring/", api.ExpiringMeasuresApi.as_view(), name="api-custody-measures-expiring"),
    path("measures/lapsed/", api.LapsedMeasuresApi.as_view(), name="api-custody-measures-lapsed"),
    path("measures/<int:pk>/renew/", api.RenewMeasureApi.as_view(), name="api-custody-measure-renew"),
    path("measures/<int:pk>/release/", api.ReleaseMeasureApi.as_view(), name="api-custody-measure-release"),
    path(
        "measures/<int:pk>/receipts/", api.MeasureReceiptsApi.as_view(), name="api-custody-measure-receipts"
    ),
    path("cases/<int:pk>/detentions/", api.CaseDetentionsApi.as_view(), name="api-custody-case-detentions"),
    path(
        "detentions/<int:pk>/approve/",
        api.ApproveDetentionApi.as_view(),
        name="api-custody-detention-approve",
    ),
    path(
        "detentions/<int:pk>/refuse/", api.RefuseDetentionApi.as_view(), name="api-custody-detention-refuse"
    ),
    path(
        "detentions/<int:pk>/family-notice/",
        api.FamilyNoticeApi.as_view(),
        name="api-custody-detention-family-notice",
    ),
    path(
        "detentions/<int:pk>/release/",
        api.ReleaseDetentionApi.as_view(),
        name="api-custody-detention-release",
    ),
    path("cases/<int:pk>/fines/", api.CaseFinesApi.as_view(), name="api-custody-case-fines"),
    path("fines/<int:pk>/approve/", api.ApproveFineApi.as_view(), name="api-custody-fine-approve"),
    path("fines/<int:pk>/refuse/", api.RefuseFineApi.as_view(), name="api-custody-fine-refuse"),
]
