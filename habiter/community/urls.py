from django.urls import path

from . import partner_views, views, volunteer_views

app_name = "community"

urlpatterns = [
    path("", views.council_list, name="council_list"),
    path("nouvelle/", views.council_create, name="council_create"),
    path("<uuid:council_id>/", views.council_detail, name="council_detail"),
    path("<uuid:council_id>/membres/nouveau/", views.member_add, name="member_add"),
    path("<uuid:council_id>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("<uuid:council_id>/elections/nouvelle/", views.election_create, name="election_create"),
    path("reunions/<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("reunions/<uuid:meeting_id>/compte-rendu/", views.meeting_minutes, name="meeting_minutes"),
    path("reunions/<uuid:meeting_id>/compte-rendu.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("reunions/<uuid:meeting_id>/affiche.pdf", views.meeting_poster_pdf, name="meeting_poster_pdf"),
    path("elections/<uuid:election_id>/", views.election_detail, name="election_detail"),
    path("elections/<uuid:election_id>/resultats/", views.election_results, name="election_results"),
    path("elections/<uuid:election_id>/proces-verbal.pdf", views.election_pdf, name="election_pdf"),
    path("projet/", views.project_list, name="project_list"),
    path("projet/nouveau/", views.project_create, name="project_create"),
    path("projet/<uuid:project_id>/", views.project_detail, name="project_detail"),
    path("projet/<uuid:project_id>/axes/nouveau/", views.axis_add, name="axis_add"),
    path("projet/<uuid:project_id>/objectifs/nouveau/", views.objective_add, name="objective_add"),
    path("projet/<uuid:project_id>/cotations/nouvelle/", views.campaign_create, name="campaign_create"),
    path("cotations/<uuid:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("cotations/<uuid:campaign_id>/reponses/", views.answer_record, name="answer_record"),
    path("cotations/<uuid:campaign_id>/cloture/", views.campaign_close, name="campaign_close"),
    path("partenaires/", partner_views.partner_list, name="partner_list"),
    path("partenaires/nouveau/", partner_views.partner_create, name="partner_create"),
    path("partenaires/<uuid:partner_id>/", partner_views.partner_detail, name="partner_detail"),
    path("partenaires/<uuid:partner_id>/modifier/", partner_views.partner_edit, name="partner_edit"),
    path("partenaires/<uuid:partner_id>/contacts/nouveau/", partner_views.contact_add, name="contact_add"),
    path(
        "partenaires/<uuid:partner_id>/conventions/nouvelle/", partner_views.agreement_create, name="agreement_create"
    ),
    path("conventions/<uuid:agreement_id>/modifier/", partner_views.agreement_edit, name="agreement_edit"),
    path("conventions/<uuid:agreement_id>/convention.pdf", partner_views.agreement_pdf, name="agreement_pdf"),
    path("benevoles/", volunteer_views.volunteer_list, name="volunteer_list"),
    path("benevoles/nouveau/", volunteer_views.volunteer_create, name="volunteer_create"),
    path("benevoles/<uuid:volunteer_id>/", volunteer_views.volunteer_detail, name="volunteer_detail"),
    path("benevoles/<uuid:volunteer_id>/modifier/", volunteer_views.volunteer_edit, name="volunteer_edit"),
    path("benevoles/<uuid:volunteer_id>/missions/nouvelle/", volunteer_views.mission_add, name="mission_add"),
    path("benevoles/charte/", volunteer_views.charter_list, name="charter_list"),
    path("benevoles/charte/nouvelle/", volunteer_views.charter_create, name="charter_create"),
    path("benevoles/valorisation.xlsx", volunteer_views.valuation_export, name="valuation_export"),
    path("benevoles/cec.xlsx", volunteer_views.cec_export, name="cec_export"),
    path("mon-benevolat/", volunteer_views.my_volunteering, name="my_volunteering"),
    path("mon-benevolat/charte/", volunteer_views.charter_sign, name="charter_sign"),
]
