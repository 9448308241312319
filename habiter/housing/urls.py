from django.urls import path

from . import views

app_name = "housing"

urlpatterns = [
    path("proprietaires/", views.owner_list, name="owner_list"),
    path("proprietaires/nouveau/", views.owner_create, name="owner_create"),
    path("proprietaires/<uuid:owner_id>/", views.owner_detail, name="owner_detail"),
    path("proprietaires/<uuid:owner_id>/modifier/", views.owner_edit, name="owner_edit"),
    path("proprietaires/<uuid:owner_id>/contacts/", views.owner_contact_add, name="owner_contact_add"),
    path("immeubles/", views.building_list, name="building_list"),
    path("immeubles/nouveau/", views.building_create, name="building_create"),
    path("immeubles/<uuid:building_id>/", views.building_detail, name="building_detail"),
    path("immeubles/<uuid:building_id>/modifier/", views.building_edit, name="building_edit"),
    path("logements/", views.dwelling_list, name="dwelling_list"),
    path("logements/nouveau/", views.dwelling_create, name="dwelling_create"),
    path("logements/<uuid:dwelling_id>/", views.dwelling_detail, name="dwelling_detail"),
    path("logements/<uuid:dwelling_id>/modifier/", views.dwelling_edit, name="dwelling_edit"),
    path("captation/", views.prospect_board, name="prospect_board"),
    path("captation/nouveau/", views.prospect_create, name="prospect_create"),
    path("captation/<uuid:prospect_id>/", views.prospect_detail, name="prospect_detail"),
    path("captation/<uuid:prospect_id>/etape/", views.prospect_move, name="prospect_move"),
    path("interventions/", views.ticket_list, name="ticket_list"),
    path("interventions/nouvelle/", views.ticket_create, name="ticket_create"),
    path("interventions/<uuid:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("interventions/<uuid:ticket_id>/suivi/", views.ticket_update, name="ticket_update"),
    path("interventions/<uuid:ticket_id>/photos/", views.ticket_photo_add, name="ticket_photo_add"),
    path("photos/<uuid:photo_id>/", views.photo_view, name="photo_view"),
    path("etats-des-lieux/", views.inspection_list, name="inspection_list"),
    path("etats-des-lieux/nouveau/", views.inspection_create, name="inspection_create"),
    path("etats-des-lieux/<uuid:inspection_id>/", views.inspection_detail, name="inspection_detail"),
    path("etats-des-lieux/<uuid:inspection_id>/cles/", views.inspection_keys, name="inspection_keys"),
]
