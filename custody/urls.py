"""The custody pages' routes, included under ``/custody/`` by ``enforcement.urls``."""

from django.urls import path

from . import views

app_name = "custody"

urlpatterns = [
    # Court-wide lists.
    path("expiring/", views.expiring, name="expiring"),
    path("lapsed/", views.lapsed, name="lapsed"),
    # The custody panel of the case page: actions on a case.
    path("cases/<int:pk>/searches/", views.request_search, name="request-search"),
    path("cases/<int:pk>/measures/", views.take_measure, name="take-measure"),
    path("cases/<int:pk>/detentions/", views.propose_detention, name="propose-detention"),
    path("cases/<int:pk>/fines/", views.propose_fine, name="propose-fine"),
    # Actions on one inquiry, measure, detention or fine.
    path("inquiries/<int:pk>/reply/", views.record_reply, name="record-reply"),
    path("measures/<int:pk>/renew/", views.renew_measure, name="renew-measure"),
    path("measures/<int:pk>/release/", views.release_measure, name="release-measure"),
    path("measures/<int:pk>/receipts/", views.link_receipt, name="link-receipt"),
    path("detentions/<int:pk>/decide/", views.decide_detention, name="decide-detention"),
    path("detentions/<int:pk>/family-notice/", views.family_notice, name="family-notice"),
    path("detentions/<int:pk>/release/", views.release_detention, name="release-detention"),
    path("fines/<int:pk>/decide/", views.decide_fine, name="decide-fine"),
]
