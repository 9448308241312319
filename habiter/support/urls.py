from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("menages/<uuid:household_id>/mesures/nouvelle/", views.measure_create, name="measure_create"),
    path("menages/<uuid:household_id>/interventions/", views.intervention_create, name="intervention_create"),
    path("menages/<uuid:household_id>/projet/", views.plan_detail, name="plan_detail"),
    path("menages/<uuid:household_id>/projet/pdf/", views.plan_pdf, name="plan_pdf"),
    path("menages/<uuid:household_id>/documents/", views.document_upload, name="document_upload"),
    path("documents/<uuid:document_id>/", views.document_download, name="document_download"),
    path("documents/<uuid:document_id>/archiver/", views.document_archive, name="document_archive"),
    path("documents/<uuid:document_id>/supprimer/", views.document_delete, name="document_delete"),
    path("menages/<uuid:household_id>/documents/archives/", views.documents_archived, name="documents_archived"),
    path("mesures/<uuid:measure_id>/contrat/", views.agreement, name="agreement"),
    path("mesures/<uuid:measure_id>/contrat/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("mesures/<uuid:measure_id>/statut/", views.measure_status, name="measure_status"),
    path("mesures/<uuid:measure_id>/situation-a-un-an/", views.measure_follow_up, name="measure_follow_up"),
    path("agenda/", views.calendar, name="calendar"),
    path("agenda/nouveau/", views.appointment_create, name="appointment_create"),
    path("agenda/<uuid:appointment_id>/", views.appointment_edit, name="appointment_edit"),
    path("agenda/<uuid:appointment_id>/annuler/", views.appointment_cancel, name="appointment_cancel"),
    path("agenda/<uuid:appointment_id>/presence/", views.appointment_attendance, name="appointment_attendance"),
    path("agenda/abonnement/", views.calendar_feed, name="calendar_feed"),
    path("agenda/<str:key>.ics", views.calendar_ics, name="calendar_ics"),
    path("dispositifs/", views.catalogue, name="catalogue"),
    path("dispositifs/<uuid:programme_id>/", views.programme_toggle, name="programme_toggle"),
]
