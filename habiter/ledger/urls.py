from django.urls import path

from habiter.ledger.bank import views as bank
from habiter.ledger.charges import views as charges
from habiter.ledger.deposits import views as deposits
from habiter.ledger.entries import views as entries
from habiter.ledger.exports import views as exports
from habiter.ledger.mailing import views as mailing
from habiter.ledger.owners import views as owners
from habiter.ledger.redevance import views as redevance
from habiter.ledger.rent import views as rent

app_name = "ledger"

urlpatterns = [
    path("", entries.account_list, name="account_list"),
    path("comptes/<uuid:account_id>/", entries.account_detail, name="account_detail"),
    path("baux/<uuid:lease_id>/", rent.lease_account, name="lease_account"),
    path("baux/<uuid:lease_id>/encaissement/", rent.payment_create, name="payment_create"),
    path("baux/<uuid:lease_id>/plan-d-apurement/", rent.repayment_plan_create, name="repayment_plan_create"),
    path("baux/<uuid:lease_id>/courriers/", rent.arrears_letter_create, name="arrears_letter_create"),
    path("plans/<uuid:plan_id>/", rent.repayment_plan_detail, name="repayment_plan_detail"),
    path("plans/<uuid:plan_id>/etat/", rent.repayment_plan_move, name="repayment_plan_move"),
    path("courriers/<uuid:letter_id>.pdf", rent.arrears_letter_pdf, name="arrears_letter_pdf"),
    path("appels/<uuid:rent_call_id>/avis.pdf", rent.rent_call_notice, name="rent_call_notice"),
    path("appels/<uuid:rent_call_id>/quittance/", rent.receipt_issue, name="receipt_issue"),
    path("documents/<uuid:receipt_id>.pdf", rent.receipt_pdf, name="receipt_pdf"),
    path("ecritures/<uuid:transaction_id>/contre-passation/", entries.transaction_reverse, name="transaction_reverse"),
    path("redevances/<uuid:contract_id>/", redevance.redevance_account, name="redevance_account"),
    path("redevances/<uuid:contract_id>/appel/", redevance.redevance_call_issue, name="redevance_call_issue"),
    path(
        "redevances/<uuid:contract_id>/encaissement/",
        redevance.redevance_payment_create,
        name="redevance_payment_create",
    ),
    path(
        "redevances/appels/<uuid:redevance_call_id>/avis.pdf",
        redevance.redevance_call_notice,
        name="redevance_call_notice",
    ),
    path(
        "redevances/appels/<uuid:redevance_call_id>/quittance/",
        redevance.redevance_receipt_issue,
        name="redevance_receipt_issue",
    ),
    path(
        "redevances/documents/<uuid:redevance_receipt_id>.pdf",
        redevance.redevance_receipt_pdf,
        name="redevance_receipt_pdf",
    ),
    path("fin-de-mois/", rent.month_end, name="month_end"),
    path("fin-de-mois/<uuid:run_id>/", rent.run_detail, name="run_detail"),
    path("cloture/", entries.period_close, name="period_close"),
    path("ouverture/", entries.ledger_opening, name="ledger_opening"),
    path("impayes/", rent.arrears, name="arrears"),
    path("export/", exports.export, name="export"),
    path("banque/", bank.bank_queue, name="bank_queue"),
    path("banque/import/", bank.bank_import, name="bank_import"),
    path("banque/formats/nouveau/", bank.bank_mapping_create, name="bank_mapping_create"),
    path("banque/releves/<uuid:bank_statement_id>/", bank.bank_statement, name="bank_statement"),
    path("banque/operations/<uuid:line_id>/", bank.bank_line, name="bank_line"),
    path("banque/operations/<uuid:line_id>/rapprocher/", bank.bank_line_match, name="bank_line_match"),
    path("banque/operations/<uuid:line_id>/repartir/", bank.bank_line_split, name="bank_line_split"),
    path(
        "banque/operations/<uuid:line_id>/repartir-redevances/",
        bank.bank_line_split_redevances,
        name="bank_line_split_redevances",
    ),
    path("banque/operations/<uuid:line_id>/encaissement-saisi/", bank.bank_line_link, name="bank_line_link"),
    path(
        "banque/operations/<uuid:line_id>/apl-foyer-saisies/",
        bank.bank_line_link_redevances,
        name="bank_line_link_redevances",
    ),
    path("banque/operations/<uuid:line_id>/mise-de-cote/", bank.bank_line_ignore, name="bank_line_ignore"),
    path("banque/operations/<uuid:line_id>/ecritures-en-attente/", bank.bank_line_clear, name="bank_line_clear"),
    path(
        "banque/operations/<uuid:line_id>/annuler-le-rapprochement/", bank.bank_line_unclear, name="bank_line_unclear"
    ),
    path("comptes-rendus/", owners.owner_statements, name="owner_statements"),
    path("comptes-rendus/<uuid:statement_id>/", owners.owner_statement_detail, name="owner_statement_detail"),
    path("comptes-rendus/<uuid:statement_id>.pdf", owners.owner_statement_pdf, name="owner_statement_pdf"),
    path("proprietaires/<uuid:owner_id>/", owners.owner_ledger, name="owner_ledger"),
    path("proprietaires/<uuid:owner_id>/compte-rendu/", owners.owner_statement_issue, name="owner_statement_issue"),
    path("proprietaires/<uuid:owner_id>/travaux/", owners.owner_work_create, name="owner_work_create"),
    path("reversements/", owners.payouts, name="payouts"),
    path("reversements/<uuid:batch_id>/", owners.payout_detail, name="payout_detail"),
    path("reversements/<uuid:batch_id>/virements.xml", owners.payout_file, name="payout_file"),
    path("coordonnees-bancaires/", owners.bank_details, name="bank_details"),
    path("baux/<uuid:lease_id>/courriel/", mailing.lease_mail, name="lease_mail"),
    path("redevances/<uuid:contract_id>/courriel/", mailing.contract_mail, name="contract_mail"),
    path("appels/<uuid:rent_call_id>/envoyer/", mailing.notice_send, name="notice_send"),
    path("documents/<uuid:receipt_id>/envoyer/", mailing.receipt_send, name="receipt_send"),
    path(
        "redevances/appels/<uuid:redevance_call_id>/envoyer/",
        mailing.contract_notice_send,
        name="contract_notice_send",
    ),
    path("fin-de-mois/<uuid:run_id>/avis.pdf", mailing.run_notices_pdf, name="run_notices_pdf"),
    path("fin-de-mois/<uuid:run_id>/envoi/", mailing.run_notices_mail, name="run_notices_mail"),
    path("envois/<uuid:mailing_id>/", mailing.mailing_detail, name="mailing_detail"),
    path("depots/", deposits.deposit_list, name="deposit_list"),
    path("baux/<uuid:lease_id>/depot-de-garantie/", deposits.deposit_receive, name="deposit_receive"),
    path("depots/<uuid:deposit_id>/restitution/", deposits.deposit_return, name="deposit_return"),
    path("depots/<uuid:deposit_id>/provision/", deposits.deposit_release, name="deposit_release"),
    path(
        "redevances/<uuid:contract_id>/depot-de-garantie/",
        deposits.contract_deposit_receive,
        name="contract_deposit_receive",
    ),
    path(
        "depots/residences/<uuid:deposit_id>/restitution/",
        deposits.contract_deposit_return,
        name="contract_deposit_return",
    ),
    path(
        "depots/mouvements/<uuid:movement_id>/annulation/",
        deposits.deposit_receipt_cancel,
        name="deposit_receipt_cancel",
    ),
    path("regularisations/", charges.charge_regularisation_list, name="charge_regularisation_list"),
    path("regularisations/nouvelle/", charges.charge_regularisation_create, name="charge_regularisation_create"),
    path(
        "regularisations/<uuid:regularisation_id>/",
        charges.charge_regularisation_detail,
        name="charge_regularisation_detail",
    ),
    path(
        "regularisations/<uuid:regularisation_id>/envoi/",
        charges.charge_regularisation_send,
        name="charge_regularisation_send",
    ),
    path(
        "regularisations/<uuid:regularisation_id>/comptabilisation/",
        charges.charge_regularisation_post,
        name="charge_regularisation_post",
    ),
    path(
        "regularisations/decomptes/<uuid:regularisation_line_id>.pdf",
        charges.charge_statement_pdf,
        name="charge_statement_pdf",
    ),
]
