"""The custody API's routes, included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern, path

from . import api, credit_api

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
    # Credit sanctions.
    path(
        "cases/<int:pk>/restrictions/",
        credit_api.CaseRestrictionsApi.as_view(),
        name="api-custody-case-restrictions",
    ),
    path(
        "restrictions/<int:pk>/approve/",
        credit_api.ApproveRestrictionApi.as_view(),
        name="api-custody-restriction-approve",
    ),
    path(
        "restrictions/<int:pk>/refuse/",
        credit_api.RefuseRestrictionApi.as_view(),
        name="api-custody-restriction-refuse",
    ),
    path(
        "restrictions/<int:pk>/lift/",
        credit_api.LiftRestrictionApi.as_view(),
        name="api-custody-restriction-lift",
    ),
    path(
        "restrictions/<int:pk>/lift-notice/",
        credit_api.LiftNoticeApi.as_view(),
        name="api-custody-restriction-lift-notice",
    ),
    path("cases/<int:pk>/listings/", credit_api.CaseListingsApi.as_view(), name="api-custody-case-listings"),
    path(
        "cases/<int:pk>/listing-refusals/",
        credit_api.CaseListingRefusalsApi.as_view(),
        name="api-custody-case-listing-refusals",
    ),
    path(
        "listings/<int:pk>/service/",
        credit_api.ListingServiceApi.as_view(),
        name="api-custody-listing-service",
    ),
    path(
        "listings/<int:pk>/extend/", credit_api.ExtendListingApi.as_view(), name="api-custody-listing-extend"
    ),
    path(
        "listings/<int:pk>/removal-ground/",
        credit_api.ListingRemovalGroundApi.as_view(),
        name="api-custody-listing-removal-ground",
    ),
    path(
        "listings/<int:pk>/remove/", credit_api.RemoveListingApi.as_view(), name="api-custody-listing-remove"
    ),
    path(
        "listings/<int:pk>/credit-repair/",
        credit_api.CreditRepairApi.as_view(),
        name="api-custody-listing-credit-repair",
    ),
]
