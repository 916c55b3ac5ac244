"""The core's own API routes (signing in and out, closing a case, certificates, deadlines, deductions and
extensions), included under ``/api/v1/`` by ``enforcement.urls``."""

from django.urls import URLPattern, path

from . import auth, certificates, closure, closure_review, deadlines, indicators

urlpatterns: list[URLPattern] = [
    path("indicators/", indicators.IndicatorsApi.as_view(), name="api-indicators"),
    path("cases/<int:pk>/close/", closure.CaseClosureApi.as_view(), name="api-case-close"),
    path(
        "cases/<int:pk>/closure-checklist/",
        closure_review.ChecklistApi.as_view(),
        name="api-closure-checklist",
    ),
    path(
        "cases/<int:pk>/closure-evidence/", closure_review.EvidenceApi.as_view(), name="api-closure-evidence"
    ),
    path(
        "cases/<int:pk>/closure-interviews/",
        closure_review.InterviewsApi.as_view(),
        name="api-closure-interviews",
    ),
    path(
        "closure-interviews/<int:pk>/pdf/",
        closure_review.InterviewPdfApi.as_view(),
        name="api-closure-interview-pdf",
    ),
    path(
        "cases/<int:pk>/closure-proposals/",
        closure_review.ProposalsApi.as_view(),
        name="api-closure-proposals",
    ),
    path(
        "closure-proposals/<int:pk>/approve/",
        closure_review.ApproveProposalApi.as_view(),
        name="api-closure-approve",
    ),
    path(
        "closure-proposals/<int:pk>/reject/",
        closure_review.RejectProposalApi.as_view(),
        name="api-closure-reject",
    ),
    path(
        "closure-proposals/<int:pk>/withdraw/",
        closure_review.WithdrawProposalApi.as_view(),
        name="api-closure-withdraw",
    ),
    path("closure-reviews/", closure_review.ReviewQueueApi.as_view(), name="api-closure-reviews"),
    path(
        "cases/<int:pk>/closure-services/", closure_review.ServicesApi.as_view(), name="api-closure-services"
    ),
    path(
        "cases/<int:pk>/certificates/",
        certificates.CaseCertificatesApi.as_view(),
        name="api-case-certificates",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificates.RevokeCertificateApi.as_view(),
        name="api-certificate-revoke",
    ),
    path("certificates/<int:pk>/pdf/", certificates.CertificatePdfApi.as_view(), name="api-certificate-pdf"),
    path("auth/token/", auth.SignInApi.as_view(), name="api-token"),
    path("auth/logout/", auth.SignOutApi.as_view(), name="api-logout"),
    path("auth/logout-all/", auth.SignOutAllApi.as_view(), name="api-logout-all"),
    path("deadlines/<int:pk>/", deadlines.DeadlineDetailApi.as_view(), name="api-deadline-detail"),
    path(
        "deadlines/<int:pk>/deductions/",
        deadlines.DeadlineDeductionsApi.as_view(),
        name="api-deadline-deductions",
    ),
    path("deductions/<int:pk>/end/", deadlines.EndDeductionApi.as_view(), name="api-deduction-end"),
    path(
        "deductions/<int:pk>/additional-period/",
        deadlines.AdditionalPeriodApi.as_view(),
        name="api-deduction-additional-period",
    ),
    path(
        "deadlines/<int:pk>/extensions/",
        deadlines.DeadlineExtensionsApi.as_view(),
        name="api-deadline-extensions",
    ),
    path(
        "extensions/<int:pk>/approve/", deadlines.ApproveExtensionApi.as_view(), name="api-extension-approve"
    ),
    path("extensions/<int:pk>/refuse/", deadlines.RefuseExtensionApi.as_view(), name="api-extension-refuse"),
]
