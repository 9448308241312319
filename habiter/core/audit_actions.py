"""Every action the audit log knows, with the French label the « Journal des accès » page shows.

One enumeration for the whole project: `audit_record` refuses an action that is not here (ValueError), so a
service that audits a new action without a label fails its own tests, and `tests/test_audit_actions.py` scans the
source for action literals. `core` names the other apps' actions without importing them (plain strings), so
the dependency rule of DESIGN.md holds. Actions built at run time (`f"lease.{status}"`) are listed for each value.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # core: accounts, organisations, legal parameters
    API_TOKEN_CREATE = "api_token.create", _("Création d'un jeton d'API")
    LEGAL_PARAMETER_CREATE = "legal_parameter.create", _("Ajout d'un paramètre légal")
    LEGAL_PARAMETER_CHANGE = "legal_parameter.change", _("Modification d'un paramètre légal")
    API_TOKEN_REVOKE = "api_token.revoke", _("Révocation d'un jeton d'API")
    OTP_ENROL = "otp.enrol", _("Activation de la double authentification")
    ORGANISATION_CREATE = "organisation.create", _("Création de l'association")
    ORGANISATION_SETTINGS = "organisation.settings", _("Modification des coordonnées et signataires de l'association")
    # people
    HOUSEHOLD_READ = "household.read", _("Consultation du dossier")
    HOUSEHOLD_LIST = "household.list", _("Consultation d'une liste de ménages")
    HOUSEHOLD_VIEW = "household.view", _("Consultation de la page du ménage")  # before household.read (old rows)
    HOUSEHOLD_CREATE = "household.create", _("Création du ménage")
    HOUSEHOLD_UPDATE = "household.update", _("Modification du ménage")
    PERSON_CREATE = "person.create", _("Ajout d'un membre")
    PERSON_UPDATE = "person.update", _("Modification d'un membre")
    NOTE_CREATE = "note.create", _("Ajout d'une note")
    CONCERN_CREATE = "concern.create", _("Ajout d'une problématique au panorama")
    CONCERN_ACTIVATE = "concern.activate", _("Remise en usage d'une problématique")
    CONCERN_DEACTIVATE = "concern.deactivate", _("Retrait d'une problématique")
    # support
    MEASURE_OPEN = "measure.open", _("Ouverture d'une mesure")
    INTERVENTION_CREATE = "intervention.create", _("Saisie d'une intervention")
    PLAN_START = "plan.start", _("Début du projet personnalisé")
    PLAN_GOAL_ADD = "plan.goal_add", _("Ajout d'un objectif au projet")
    PLAN_GOAL_STATUS = "plan.goal_status", _("Mise à jour d'un objectif")
    PLAN_STEP_ADD = "plan.step_add", _("Ajout d'une étape au projet")
    PLAN_STEP_STATUS = "plan.step_status", _("Mise à jour d'une étape")
    PLAN_REVIEW = "plan.review", _("Bilan du projet")
    PLAN_SIGNATURE = "plan.signature", _("Signature du projet")
    PLAN_PRINT = "plan.print", _("Impression du projet personnalisé")  # now a household.read; kept for old rows
    DOCUMENT_UPLOAD = "document.upload", _("Ajout d'un document")
    DOCUMENT_ARCHIVE = "document.archive", _("Archivage d'un document")
    DOCUMENT_DELETE = "document.delete", _("Suppression d'un document")
    DOCUMENT_DOWNLOAD = "document.download", _("Téléchargement d'un document")  # now a household.read (old rows)
    APPOINTMENT_BOOK = "appointment.book", _("Prise de rendez-vous")
    APPOINTMENT_UPDATE = "appointment.update", _("Modification ou déplacement d'un rendez-vous")
    APPOINTMENT_CANCEL = "appointment.cancel", _("Annulation d'un rendez-vous")
    APPOINTMENT_ATTENDANCE = "appointment.attendance", _("Présence à un rendez-vous (venu ou pas venu)")
    AGREEMENT_WRITE = "agreement.write", _("Rédaction du contrat d'accompagnement")
    AGREEMENT_SIGN = "agreement.sign", _("Signature du contrat d'accompagnement")
    AGREEMENT_PRINT = "agreement.print", _("Impression du contrat d'accompagnement")  # now a household.read
    CALENDAR_FEED_RENEW = "calendar_feed.renew", _("Nouvelle adresse d'agenda")
    CALENDAR_FEED_REVOKE = "calendar_feed.revoke", _("Suppression de l'adresse d'agenda")
    MEASURE_TRANSITION = "measure.transition", _("Changement de statut d'une mesure")
    PROGRAMME_CREATE = "programme.create", _("Ajout d'un dispositif")
    PROGRAMME_ACTIVATE = "programme.activate", _("Remise en service d'un dispositif")
    PROGRAMME_DEACTIVATE = "programme.deactivate", _("Retrait d'un dispositif")
    PROGRAMME_SCHEME = "programme.scheme", _("Type d'un dispositif pour les rapports des financeurs")
    OUTCOME_CREATE = "outcome.create", _("Ajout d'une issue de mesure")
    OUTCOME_CATEGORISE = "outcome.categorise", _("Catégorie d'une issue de mesure pour les financeurs")
    # reception
    DESK_VISIT_RECORD = "desk_visit.record", _("Passage à l'accueil")
    WORKSHOP_CREATE = "workshop.create", _("Création d'un atelier")
    WORKSHOP_SESSION_CREATE = "workshop_session.create", _("Ajout d'une séance d'atelier")
    ENROLMENT_ADD = "enrolment.add", _("Inscription à un atelier")
    ATTENDANCE_TAKE = "attendance.take", _("Relevé de présence à un atelier")
    REFERRAL_CREATE = "referral.create", _("Orientation vers un·e collègue")
    REFERRAL_TAKE_UP = "referral.take_up", _("Prise en charge d'une orientation")
    REFERRAL_REOPEN = "referral.reopen", _("Réouverture d'une orientation")
    REFERRAL_REDIRECT = "referral.redirect", _("Réorientation vers un·e autre collègue")
    # housing
    OWNER_CREATE = "owner.create", _("Création d'un propriétaire")
    OWNER_UPDATE = "owner.update", _("Modification d'un propriétaire")
    OWNER_CONTACT_ADD = "owner_contact.add", _("Contact avec un propriétaire")
    BUILDING_CREATE = "building.create", _("Création d'un immeuble")
    BUILDING_UPDATE = "building.update", _("Modification d'un immeuble")
    DWELLING_CREATE = "dwelling.create", _("Création d'un logement")
    DWELLING_UPDATE = "dwelling.update", _("Modification d'un logement")
    PROSPECT_CREATE = "prospect.create", _("Nouveau prospect de captation")
    PROSPECT_MOVE = "prospect.move", _("Étape de captation")
    TICKET_CREATE = "ticket.create", _("Demande d'intervention technique")
    TICKET_UPDATE = "ticket.update", _("Suivi d'une intervention technique")
    PHOTO_ADD = "photo.add", _("Ajout d'une photo")
    INSPECTION_RECORD = "inspection.record", _("État des lieux")
    INSPECTION_KEYS_RETURNED = "inspection.keys_returned", _("Remise des clés")
    # residences
    RESIDENCE_CREATE = "residence.create", _("Création d'une résidence")
    RESIDENCE_UPDATE = "residence.update", _("Modification d'une résidence")
    PLACE_CREATE = "place.create", _("Ajout d'une place en résidence")
    PLACE_UPDATE = "place.update", _("Modification d'une place en résidence")
    HOUSE_RULES_ADD = "house_rules.add", _("Nouvelle version du règlement intérieur")
    HOUSE_RULES_UPDATE = "house_rules.update", _("Correction d'un règlement intérieur pas encore en vigueur")
    STAY_ENTER = "stay.enter", _("Entrée d'un résident en résidence")
    STAY_EXIT = "stay.exit", _("Sortie d'un résident de résidence")
    VACANCY_DECLARE = "vacancy.declare", _("Vacance d'une place déclarée au SIAO")
    ORIENTATION_RECEIVE = "orientation.receive", _("Orientation SIAO reçue")
    ORIENTATION_INTERVIEW = "orientation.interview", _("Date d'entretien d'un candidat orienté par le SIAO")
    ORIENTATION_DECIDE = "orientation.decide", _("Décision de la commission d'admission")
    ORIENTATION_NOTIFY = "orientation.notify", _("Décision d'admission notifiée au SIAO")
    ORIENTATION_ENTER = "orientation.enter", _("Entrée d'un candidat admis")
    CONTRACT_CREATE = "contract.create", _("Préparation d'un contrat de résidence")
    CONTRACT_INITIAL = "contract.initial", _("Règlement intérieur annexé et paraphé")
    CONTRACT_ACTIVATE = "contract.activate", _("Entrée en vigueur d'un contrat de résidence")
    CONTRACT_NOTICE = "contract.notice", _("Congé donné par un résident")
    CONTRACT_TERMINATE = "contract.terminate", _("Résiliation d'un contrat de résidence par le gestionnaire")
    CONTRACT_EXIT = "contract.exit", _("Sortie d'un résident sous contrat")
    GUEST_STAY_RECORD = "guest_stay.record", _("Hébergement d'un tiers par un résident")
    HOUSE_ACTIVITY_RECORD = "house_activity.record", _("Activité collective au journal de maison")
    INDIVIDUAL_SUPPORT_RECORD = "individual_support.record", _("Soutien individuel au journal de maison")
    # community
    COUNCIL_CREATE = "council.create", _("Création d'une instance de participation")
    COUNCIL_MEMBER_ADD = "council_member.add", _("Nomination d'un membre d'instance")
    MEETING_SCHEDULE = "meeting.schedule", _("Réunion d'instance planifiée")
    AGENDA_ITEM_PROPOSE = "agenda_item.propose", _("Sujet proposé à l'ordre du jour d'une réunion")
    MEETING_ATTENDANCE = "meeting.attendance", _("Présences à une réunion d'instance")
    MEETING_DECISION = "meeting.decision", _("Décision d'une réunion d'instance")
    MEETING_ACTION_ADD = "meeting_action.add", _("Action à suivre après une réunion")
    MEETING_ACTION_DONE = "meeting_action.done", _("Action d'une réunion faite")
    MEETING_MINUTES_SAVE = "meeting.minutes_save", _("Compte rendu de réunion écrit ou corrigé")
    MEETING_MINUTES_CLOSE = "meeting.minutes_close", _("Compte rendu de réunion clos")
    ELECTION_CREATE = "election.create", _("Élection de représentants décidée")
    ELECTION_ROLL_FREEZE = "election.roll_freeze", _("Liste électorale figée")
    CANDIDACY_ADD = "candidacy.add", _("Candidature à une élection")
    ELECTION_RESULTS = "election.results", _("Résultats d'une élection proclamés")
    ELECTION_CARENCE = "election.carence", _("Constat de carence d'une élection (aucun candidat)")
    # leases
    IRL_ADD = "irl.add", _("Ajout d'un indice IRL")
    HEAD_LEASE_CREATE = "head_lease.create", _("Enregistrement d'un bail principal")
    HEAD_LEASE_END = "head_lease.end", _("Fin d'un bail principal")
    MANDATE_CREATE = "mandate.create", _("Enregistrement d'un mandat de gestion")
    LEASE_CREATE = "lease.create", _("Préparation d'un bail")
    LEASE_SIGNED = "lease.signed", _("Signature d'un bail")
    LEASE_ENDED = "lease.ended", _("Fin d'un bail")
    LEASE_CANCELLED = "lease.cancelled", _("Abandon d'un bail")
    LEASE_SLID = "lease.slid", _("Glissement d'une sous-location")
    LEASE_SLIDE = "lease.slide", _("Bail direct issu d'un glissement")
    SLIDING_REVIEW_RECORD = "sliding_review.record", _("Bilan d'un bail glissant")
    RENT_REVISION_APPLY = "rent_revision.apply", _("Révision d'un loyer")
    LEASE_CHARGES_ADJUST = "lease.charges_adjust", _("Ajustement de la provision pour charges d'un bail")
    # ledger
    LEDGER_TRANSACTION_POST = "ledger.transaction_post", _("Écriture comptable")
    LEDGER_TRANSACTION_REVERSE = "ledger.transaction_reverse", _("Contre-passation d'une écriture")
    LEDGER_PERIOD_CLOSE = "ledger.period_close", _("Clôture d'un mois")
    LEDGER_OPENING_SET = "ledger.opening_set", _("Date d'ouverture de la comptabilité")
    LEDGER_RENT_CALL_ISSUE = "ledger.rent_call_issue", _("Appel de loyer")
    LEDGER_RENT_CALL_RUN = "ledger.rent_call_run", _("Émission des appels de loyer du mois")
    LEDGER_PAYMENT_RECORD = "ledger.payment_record", _("Encaissement")
    LEDGER_QUITTANCE_ISSUE = "ledger.quittance_issue", _("Quittance de loyer")
    LEDGER_RECU_ISSUE = "ledger.recu_issue", _("Reçu de paiement partiel")
    LEDGER_BANK_MAPPING_CREATE = "ledger.bank_mapping_create", _("Format de relevé bancaire")
    LEDGER_BANK_IMPORT = "ledger.bank_import", _("Import d'un relevé bancaire")
    LEDGER_BANK_LINE_MATCH = "ledger.bank_line_match", _("Rapprochement d'une opération bancaire")
    LEDGER_REVISION_CATCH_UP_RECORD = "ledger.revision_catch_up_record", _("Rappel de révision du loyer à appeler")
    LEDGER_CHARGE_REGULARISATION_CREATE = (
        "ledger.charge_regularisation_create",
        _("Préparation d'une régularisation des charges"),
    )
    LEDGER_CHARGE_REGULARISATION_SEND = (
        "ledger.charge_regularisation_send",
        _("Envoi des décomptes de régularisation des charges"),
    )
    LEDGER_CHARGE_REGULARISATION_POST = (
        "ledger.charge_regularisation_post",
        _("Soldes d'une régularisation des charges passés"),
    )
    LEDGER_BANK_LINE_LINK = "ledger.bank_line_link", _("Opération bancaire rapprochée d'encaissements saisis")
    LEDGER_BANK_LINE_CLEAR = (
        "ledger.bank_line_clear",
        _("Opération bancaire rapprochée d'écritures en attente du relevé (dépôt, restitution, reversement, travaux)"),
    )
    LEDGER_BANK_LINE_UNCLEAR = (
        "ledger.bank_line_unclear",
        _("Rapprochement d'une opération bancaire et d'écritures en attente défait (contre-passation)"),
    )
    LEDGER_BANK_LINE_IGNORE = "ledger.bank_line_ignore", _("Opération bancaire mise de côté")
    LEDGER_BANK_LINE_UNIGNORE = "ledger.bank_line_unignore", _("Opération bancaire remise à rapprocher")
    LEDGER_EMAIL_CONSENT = "ledger.email_consent", _("Accord ou retrait pour les documents par courriel")
    LEDGER_DOCUMENT_EMAIL = "ledger.document_email", _("Document de loyer envoyé par courriel")
    LEDGER_NOTICE_MAILING = "ledger.notice_mailing", _("Envoi des avis d'échéance du mois par courriel")
    LEDGER_REPAYMENT_PLAN_CREATE = "ledger.repayment_plan_create", _("Plan d'apurement établi")
    LEDGER_REPAYMENT_PLAN_MOVE = "ledger.repayment_plan_move", _("Changement d'état d'un plan d'apurement")
    LEDGER_REMINDER_SEND = "ledger.reminder_send", _("Lettre de relance")
    LEDGER_FORMAL_NOTICE_SEND = "ledger.formal_notice_send", _("Mise en demeure")
    LEDGER_CAF_UNPAID_REACHED = "ledger.caf_unpaid_reached", _("Seuil d'impayé CAF atteint")
    LEDGER_CAF_UNPAID_CLEARED = "ledger.caf_unpaid_cleared", _("Impayé CAF résorbé")
    LEDGER_DEPOSIT_RECEIVE = "ledger.deposit_receive", _("Dépôt de garantie reçu")
    LEDGER_DEPOSIT_RETURN = "ledger.deposit_return", _("Restitution d'un dépôt de garantie")
    LEDGER_DEPOSIT_PROVISION_RELEASE = (
        "ledger.deposit_provision_release",
        _("Restitution de la provision d'un dépôt de garantie"),
    )
    LEDGER_DEPOSIT_RECEIPT_CANCEL = "ledger.deposit_receipt_cancel", _("Annulation d'un reçu de dépôt de garantie")
    LEDGER_EXPORT = "ledger.export", _("Export des écritures comptables")
    LEDGER_OWNER_WORK_RECORD = "ledger.owner_work_record", _("Travaux payés pour un propriétaire")
    LEDGER_OWNER_STATEMENT_ISSUE = "ledger.owner_statement_issue", _("Compte rendu de gestion d'un propriétaire")
    LEDGER_BANK_DETAILS_SAVE = "ledger.bank_details_save", _("Coordonnées bancaires de l'association")
    LEDGER_PAYOUT_BATCH_CREATE = "ledger.payout_batch_create", _("Virements aux propriétaires")
    # evictions
    PREVENTION_CASE_OPEN = "prevention_case.open", _("Ouverture d'un dossier de prévention des expulsions")
    PREVENTION_CASE_STEP = "prevention_case.step", _("Étape d'un dossier de prévention des expulsions")
    PREVENTION_CASE_DIAGNOSIS = "prevention_case.diagnosis", _("Diagnostic social et financier")
    PREVENTION_CASE_CLOSE = "prevention_case.close", _("Clôture d'un dossier de prévention des expulsions")
    PREVENTION_CASE_REOPEN = "prevention_case.reopen", _("Réouverture d'un dossier de prévention des expulsions")
    LEGAL_DESK_SESSION = "legal_desk.session", _("Séance de permanence juridique")
    LEGAL_DESK_VISIT = "legal_desk.visit", _("Ménage reçu à la permanence juridique")
    LEGAL_DESK_ADVICE = "legal_desk.advice", _("Conseil de la permanence juridique")
    FSL_ADVANCE_RECORD = "fsl_advance.record", _("Avance de loyer de l'association")
    FSL_ADVANCE_REPAY = "fsl_advance.repay", _("Remboursement d'une avance de l'association")
    FSL_ADVANCE_SETTLE = "fsl_advance.settle", _("Solde d'une avance de l'association")
    FSL_FUND_ADD = "fsl_fund.add", _("Ajout d'un fonds FSL")
    FSL_APPLICATION_SUBMIT = "fsl_application.submit", _("Demande au FSL")
    FSL_APPLICATION_DECIDE = "fsl_application.decide", _("Décision du FSL")
    FSL_APPLICATION_PAID = "fsl_application.paid", _("Versement du FSL")
    # reporting
    REPORT_RUN = "report.run", _("Production d'un rapport (chiffres enregistrés)")
    REPORT_EXPORT = "report.export", _("Export d'un rapport enregistré")
    SUBSIDY_REQUEST = "subsidy.request", _("Demande de subvention")
    SUBSIDY_DECIDE = "subsidy.decide", _("Décision sur une subvention")
    SUBSIDY_CRF_SENT = "subsidy.crf_sent", _("Envoi d'un compte rendu financier")
    SUBSIDY_EXPORT = "subsidy.export", _("Export des subventions")
    ACCOUNTS_OBLIGATIONS_SAVE = "accounts_obligations.save", _("Suivi des obligations comptables de l'année")

    # security events (written by core)
    LOGIN = "login", _("Connexion")  # written by earlier versions; kept so that their rows stay readable
    AUTH_LOGIN_FAILED = "auth.login_failed", _("Échec de connexion")
    AUTH_LOCKOUT = "auth.lockout", _("Blocage après des échecs de connexion")
    AUTH_PASSWORD_CHANGE = "auth.password_change", _("Changement de mot de passe")
    ACCESS_REFUSED = "access.refused", _("Accès refusé (élément introuvable ou hors de portée)")
    OTP_RESET = "otp.reset", _("Réinitialisation de la double authentification")
    AUDIT_PURGE = "audit.purge", _("Purge du journal (durée de conservation)")
    BACKUP_CREATE = "backup.create", _("Sauvegarde de la base et des documents")
    BACKUP_RESTORE = "backup.restore", _("Restauration d'une sauvegarde")


class ReadKind(models.TextChoices):
    """What a journaled read (`household.read`, `household.list`: `habiter.core.reads`) showed, in words: the
    « Journal des accès » writes « Consultation du dossier : <label> ». One code a page or API operation; `core`
    names them as plain strings, like the actions."""

    # people
    PEOPLE_SEARCH = "people.search", _("la recherche de ménages")
    PEOPLE_HOUSEHOLD = "people.household", _("la page du ménage")
    PEOPLE_HOUSEHOLD_EDIT = "people.household_edit", _("le formulaire de modification du ménage")
    PEOPLE_PERSON_FORM = "people.person_form", _("le formulaire d'un membre du ménage")
    PEOPLE_NOTE_FORM = "people.note_form", _("le formulaire de note")
    # support
    SUPPORT_MEASURE_FORM = "support.measure_form", _("le formulaire d'ouverture d'une mesure")
    SUPPORT_MEASURE = "support.measure", _("le statut d'une mesure")
    SUPPORT_INTERVENTION_FORM = "support.intervention_form", _("le formulaire d'intervention")
    SUPPORT_PLAN = "support.plan", _("le projet personnalisé")
    SUPPORT_PLAN_PDF = "support.plan_pdf", _("le projet personnalisé (PDF)")
    SUPPORT_DOCUMENT_FORM = "support.document_form", _("le formulaire d'ajout d'un document")
    SUPPORT_DOCUMENT = "support.document", _("un document (téléchargement)")
    SUPPORT_DOCUMENTS = "support.documents", _("la liste des documents du ménage")
    SUPPORT_DOCUMENT_CONFIRM = (
        "support.document_confirm",
        _("la confirmation d'archivage ou de suppression d'un document"),
    )
    SUPPORT_AGREEMENT = "support.agreement", _("le contrat d'accompagnement")
    SUPPORT_AGREEMENT_PDF = "support.agreement_pdf", _("le contrat d'accompagnement (PDF)")
    SUPPORT_APPOINTMENT_FORM = "support.appointment_form", _("le formulaire de rendez-vous")
    SUPPORT_APPOINTMENT_CANCEL = "support.appointment_cancel", _("le formulaire d'annulation d'un rendez-vous")
    # reception
    RECEPTION_HOUSEHOLD_SEARCH = "reception.household_search", _("la recherche d'un ménage à l'accueil")
    RECEPTION_SESSION_SEARCH = "reception.session_search", _("la recherche d'un ménage à inscrire à un atelier")
    RECEPTION_REFERRAL = "reception.referral", _("une orientation (formulaire de réorientation)")
    # housing
    HOUSING_INSPECTION = "housing.inspection", _("un état des lieux")
    # residences
    RESIDENCES_OCCUPANCY = "residences.occupancy", _("les résidents d'une résidence")
    RESIDENCES_STAY = "residences.stay", _("le séjour d'un résident (formulaire de sortie)")
    RESIDENCES_ENTRY_FORM = "residences.entry_form", _("le formulaire d'entrée en résidence (choix du résident)")
    RESIDENCES_ORIENTATION = "residences.orientation", _("une orientation SIAO vers une résidence")
    RESIDENCES_CONTRACT = "residences.contract", _("le contrat et la fiche pratique d'un résident")
    RESIDENCES_CONTRACT_PDF = "residences.contract_pdf", _("le contrat de résidence imprimé (PDF)")
    RESIDENCES_JOURNAL = "residences.journal", _("le journal de maison d'une résidence")
    # community
    COMMUNITY_COUNCIL = "community.council", _("les membres d'une instance de participation")
    COMMUNITY_MEETING = "community.meeting", _("une réunion d'instance (ordre du jour, présences)")
    COMMUNITY_MINUTES = "community.minutes", _("le compte rendu d'une réunion d'instance (PDF)")
    COMMUNITY_ELECTION = "community.election", _("la liste électorale et les candidats d'une élection")
    COMMUNITY_ELECTION_PDF = "community.election_pdf", _("le procès-verbal d'une élection (PDF)")
    # leases
    LEASES_LEASE = "leases.lease", _("un bail")
    LEASES_LEASE_FORM = "leases.lease_form", _("un formulaire sur un bail (signature, fin, bilan, glissement)")
    LEASES_REVISION_LETTER = "leases.revision_letter", _("la lettre de révision du loyer (PDF)")
    # ledger
    LEDGER_LEASE_ACCOUNT = "ledger.lease_account", _("le compte du locataire")
    LEDGER_ACCOUNT = "ledger.account", _("les écritures du compte d'un locataire")
    LEDGER_PAYMENT_FORM = "ledger.payment_form", _("le formulaire d'encaissement")
    LEDGER_REPAYMENT_PLAN_FORM = "ledger.repayment_plan_form", _("le formulaire de plan d'apurement")
    LEDGER_REPAYMENT_PLAN = "ledger.repayment_plan", _("un plan d'apurement")
    LEDGER_ARREARS_LETTER = "ledger.arrears_letter", _("une lettre de relance ou de mise en demeure (PDF)")
    LEDGER_RENT_NOTICE = "ledger.rent_notice", _("un avis d'échéance (PDF)")
    LEDGER_RECEIPT = "ledger.receipt", _("une quittance ou un reçu (PDF)")
    LEDGER_CHARGE_REGULARISATION = "ledger.charge_regularisation", _("une régularisation des charges")
    LEDGER_CHARGE_STATEMENT = "ledger.charge_statement", _("un décompte de régularisation des charges (PDF)")
    LEDGER_RUN_NOTICES = "ledger.run_notices", _("les avis d'échéance du mois à imprimer (PDF)")
    LEDGER_EMAIL_CONSENT = "ledger.email_consent", _("l'accord du locataire pour les envois par courriel")
    LEDGER_DEPOSIT_FORM = "ledger.deposit_form", _("le formulaire de dépôt de garantie")
    LEDGER_DEPOSIT = "ledger.deposit", _("un dépôt de garantie")
    # evictions
    EVICTIONS_CASE_FORM = "evictions.case_form", _("le formulaire d'ouverture d'un dossier de prévention")
    EVICTIONS_CASE = "evictions.case", _("le dossier de prévention des expulsions")
    EVICTIONS_DIAGNOSIS = "evictions.diagnosis", _("le diagnostic social et financier")
    EVICTIONS_DIAGNOSIS_PDF = "evictions.diagnosis_pdf", _("le diagnostic social et financier (PDF)")
    EVICTIONS_LEGAL_SESSION = "evictions.legal_session", _("une séance de permanence juridique (ménages reçus)")
    EVICTIONS_LEGAL_ADVICE = "evictions.legal_advice", _("le conseil de la permanence juridique")
    EVICTIONS_ADVANCE_FORM = "evictions.advance_form", _("le formulaire d'avance de loyer")
    EVICTIONS_ADVANCE = "evictions.advance", _("une avance de loyer de l'association")
    EVICTIONS_FSL_FORM = "evictions.fsl_form", _("le formulaire de demande au FSL")
    EVICTIONS_FSL = "evictions.fsl", _("une demande au FSL")
    # API
    API_HOUSEHOLDS = "api.households", _("la liste des ménages (API)")
    API_HOUSEHOLD = "api.household", _("le ménage (API)")
    API_MEASURES = "api.measures", _("les mesures du ménage (API)")
    API_INTERVENTIONS = "api.interventions", _("les interventions du ménage (API)")
    API_APPOINTMENTS = "api.appointments", _("les rendez-vous du ménage (API)")
    API_DESK_VISITS = "api.desk_visits", _("les passages à l'accueil (API)")
    API_LEASES = "api.leases", _("la liste des baux (API)")
    API_LEASE = "api.lease", _("un bail (API)")
    API_LEASE_BALANCE = "api.lease_balance", _("le solde d'un bail (API)")
    API_LEASE_PERIODS = "api.lease_periods", _("les échéances d'un bail (API)")
