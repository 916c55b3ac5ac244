"""The custody pages' routes, included under ``/custody/`` by ``enforcement.urls``."""

from django.urls import path

from . import credit_views, views

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
    # Credit sanctions: consumption restrictions and the dishonest-debtor list.
    path("cases/<int:pk>/restrictions/", credit_views.propose_restriction, name="propose-restriction"),
    path("restrictions/<int:pk>/decide/", credit_views.decide_restriction, name="decide-restriction"),
    path("restrictions/<int:pk>/lift/", credit_views.lift_restriction, name="lift-restriction"),
    path(
        "restrictions/<int:pk>/lift-notice.pdf", credit_views.lift_notice_pdf, name="restriction-lift-notice"
    ),
    path("cases/<int:pk>/listings/", credit_views.list_debtor, name="list-debtor"),
    path("cases/<int:pk>/listing-refusals/", credit_views.refuse_listing, name="refuse-listing"),
    path("listings/<int:pk>/service/", credit_views.serve_listing, name="serve-listing"),
    path("listings/<int:pk>/extend/", credit_views.extend_listing, name="extend-listing"),
    path(
        "listings/<int:pk>/removal-ground/", credit_views.record_removal_ground, name="listing-removal-ground"
    ),
    path("listings/<int:pk>/remove/", credit_views.remove_listing, name="remove-listing"),
    path("listings/<int:pk>/credit-repair/", credit_views.repair_credit, name="repair-credit"),
]
