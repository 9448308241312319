from django.urls import path

from . import views, views_deposits

app_name = "ledger"

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("comptes/<uuid:account_id>/", views.account_detail, name="account_detail"),
    path("baux/<uuid:lease_id>/", views.lease_account, name="lease_account"),
    path("baux/<uuid:lease_id>/encaissement/", views.payment_create, name="payment_create"),
    path("appels/<uuid:rent_call_id>/avis.pdf", views.rent_call_notice, name="rent_call_notice"),
    path("appels/<uuid:rent_call_id>/quittance/", views.receipt_issue, name="receipt_issue"),
    path("documents/<uuid:receipt_id>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("ecritures/<uuid:transaction_id>/contre-passation/", views.transaction_reverse, name="transaction_reverse"),
    path("fin-de-mois/", views.month_end, name="month_end"),
    path("fin-de-mois/<uuid:run_id>/", views.run_detail, name="run_detail"),
    path("cloture/", views.period_close, name="period_close"),
    path("impayes/", views.arrears, name="arrears"),
    path("export/", views.export, name="export"),
    path("banque/", views.bank_queue, name="bank_queue"),
    path("banque/import/", views.bank_import, name="bank_import"),
    path("banque/formats/nouveau/", views.bank_mapping_create, name="bank_mapping_create"),
    path("banque/releves/<uuid:bank_statement_id>/", views.bank_statement, name="bank_statement"),
    path("banque/operations/<uuid:line_id>/", views.bank_line, name="bank_line"),
    path("banque/operations/<uuid:line_id>/rapprocher/", views.bank_line_match, name="bank_line_match"),
    path("banque/operations/<uuid:line_id>/mise-de-cote/", views.bank_line_ignore, name="bank_line_ignore"),
    path("comptes-rendus/", views.owner_statements, name="owner_statements"),
    path("comptes-rendus/<uuid:statement_id>/", views.owner_statement_detail, name="owner_statement_detail"),
    path("comptes-rendus/<uuid:statement_id>.pdf", views.owner_statement_pdf, name="owner_statement_pdf"),
    path("proprietaires/<uuid:owner_id>/", views.owner_ledger, name="owner_ledger"),
    path("proprietaires/<uuid:owner_id>/compte-rendu/", views.owner_statement_issue, name="owner_statement_issue"),
    path("proprietaires/<uuid:owner_id>/travaux/", views.owner_work_create, name="owner_work_create"),
    path("reversements/", views.payouts, name="payouts"),
    path("reversements/<uuid:batch_id>/", views.payout_detail, name="payout_detail"),
    path("reversements/<uuid:batch_id>/virements.xml", views.payout_file, name="payout_file"),
    path("coordonnees-bancaires/", views.bank_details, name="bank_details"),
    path("depots/", views_deposits.deposit_list, name="deposit_list"),
    path("baux/<uuid:lease_id>/depot-de-garantie/", views_deposits.deposit_receive, name="deposit_receive"),
    path("depots/<uuid:deposit_id>/restitution/", views_deposits.deposit_return, name="deposit_return"),
]
