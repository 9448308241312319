from django.urls import path

from . import views

app_name = "evictions"

urlpatterns = [
    path("menage/<uuid:household_id>/nouveau/", views.case_open, name="case_open"),
    path("alerte/bail/<uuid:lease_id>/ouvrir/", views.case_open_from_lease, name="case_open_from_lease"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/cloture/", views.case_close, name="case_close"),
    path("<uuid:case_id>/reouverture/", views.case_reopen, name="case_reopen"),
    path("<uuid:case_id>/diagnostic/", views.diagnosis_edit, name="diagnosis_edit"),
    path("<uuid:case_id>/diagnostic/pdf/", views.diagnosis_pdf, name="diagnosis_pdf"),
    path("permanence-juridique/", views.legal_desk, name="legal_desk"),
    path("permanence-juridique/<uuid:session_id>/", views.legal_session, name="legal_session"),
    path("permanence-juridique/menage-recu/<uuid:visit_id>/", views.legal_visit, name="legal_visit"),
    path("statistiques/", views.statistics, name="statistics"),
    path("avances/", views.advances, name="advances"),
    path("avances/bail/<uuid:lease_id>/nouvelle/", views.advance_create, name="advance_create"),
    path("avances/<uuid:advance_id>/", views.advance_detail, name="advance_detail"),
    path("fsl/fonds/", views.fsl_funds, name="fsl_funds"),
    path("fsl/menage/<uuid:household_id>/nouvelle/", views.fsl_create, name="fsl_create"),
    path("fsl/<uuid:application_id>/", views.fsl_detail, name="fsl_detail"),
]
