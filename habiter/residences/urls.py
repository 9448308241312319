from django.urls import path

from . import contract_views, hosting_staff_views, maxima_views, views, young_workers_views

app_name = "residences"

urlpatterns = [
    path("", views.residence_list, name="residence_list"),
    path("nouvelle/", views.residence_create, name="residence_create"),
    path("occupation/", views.occupancy_summary, name="occupancy_summary"),
    path("<uuid:residence_id>/occupation/", views.occupancy_figures, name="occupancy_figures"),
    path("<uuid:residence_id>/", views.residence_detail, name="residence_detail"),
    path("<uuid:residence_id>/modifier/", views.residence_edit, name="residence_edit"),
    path("<uuid:residence_id>/places/nouvelle/", views.place_create, name="place_create"),
    path("<uuid:residence_id>/reglement/nouveau/", views.house_rules_add, name="house_rules_add"),
    path("<uuid:residence_id>/maxima-apl/", maxima_views.apl_maxima, name="apl_maxima"),
    path("maxima-apl/<uuid:apl_maximum_id>/corriger/", maxima_views.apl_maximum_correct, name="apl_maximum_correct"),
    path("<uuid:residence_id>/pse-caf/", young_workers_views.young_workers_pse, name="young_workers_pse"),
    path("<uuid:residence_id>/temps-des-hotes/", hosting_staff_views.hosting_staff, name="hosting_staff"),
    path("places/<uuid:place_id>/modifier/", views.place_edit, name="place_edit"),
    path("places/<uuid:place_id>/entree/", views.place_entry, name="place_entry"),
    path("sejours/<uuid:stay_id>/sortie/", views.stay_exit, name="stay_exit"),
    path("sejours/<uuid:stay_id>/situation-a-l-entree/", views.stay_entry_situation, name="stay_entry_situation"),
    path("places/<uuid:place_id>/vacance/", views.vacancy_declare, name="vacancy_declare"),
    path("vacances/<uuid:vacancy_id>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacances/<uuid:vacancy_id>/orientations/nouvelle/", views.orientation_add, name="orientation_add"),
    path("orientations/<uuid:orientation_id>/", views.orientation_detail, name="orientation_detail"),
    path("places/<uuid:place_id>/contrat/", contract_views.contract_create, name="contract_create"),
    path(
        "admissions/<uuid:admission_id>/contrat/",
        contract_views.contract_from_orientation,
        name="contract_from_orientation",
    ),
    path("contrats/<uuid:contract_id>/", contract_views.contract_detail, name="contract_detail"),
    path("contrats/<uuid:contract_id>/pdf/", contract_views.contract_pdf, name="contract_pdf"),
    path("contrats/<uuid:contract_id>/redevance/", contract_views.redevance_set, name="redevance_set"),
    path("<uuid:residence_id>/journal/", views.journal, name="journal"),
    path("<uuid:residence_id>/journal/activite/", views.activity_add, name="activity_add"),
    path("<uuid:residence_id>/journal/soutien/", views.support_add, name="support_add"),
    path("soutiens/<uuid:support_id>/type/", views.support_kind, name="support_kind"),
]
