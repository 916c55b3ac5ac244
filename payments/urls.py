from django.urls import path

from . import ageing_views, views

app_name = "payments"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("ageing/", ageing_views.ageing_page, name="ageing"),
    # The money panel of the case page.
    path("cases/<int:pk>/payouts/", views.propose, name="propose"),
    path("cases/<int:pk>/payees/", views.record_payee, name="record-payee"),
    path("cases/<int:pk>/holds/", views.request_hold, name="request-hold"),
    path("cases/<int:pk>/take-out/", views.take_out, name="take-out"),
    path("cases/<int:pk>/transfer/", views.transfer, name="transfer"),
    # Actions on one payout, hold, entry or transaction, from the case page or the desk.
    path("payouts/<int:payout_id>/decide/", views.decide_payout, name="decide-payout"),
    path("payouts/<int:payout_id>/cancel/", views.cancel_payout, name="cancel-payout"),
    path("payouts/<int:payout_id>/paid/", views.mark_paid, name="mark-paid"),
    path("holds/<int:hold_id>/decide/", views.decide_hold, name="decide-hold"),
    path("holds/<int:hold_id>/release/", views.release_hold, name="release-hold"),
    path("entries/<int:entry_id>/reverse/", views.reverse_entry, name="reverse-entry"),
    path("transactions/<int:tx_id>/review/", views.review_payer, name="review-payer"),
    path("transactions/<int:tx_id>/claim/", views.claim, name="claim"),
    path("transactions/<int:tx_id>/return/", views.return_money, name="return"),
    # Payment files for the bank.
    path("batches/export/", views.export_batch, name="export-batch"),
    path("batches/<int:batch_id>/payment-file.csv", views.payment_file, name="payment-file"),
    path("batches/<int:batch_id>/confirm/", views.confirm_batch, name="confirm-batch"),
    path("statements/upload/", views.upload_statement, name="upload-statement"),
]
