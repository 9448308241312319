from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("menages/<uuid:household_id>/mesures/nouvelle/", views.measure_create, name="measure_create"),
    path("menages/<uuid:household_id>/interventions/", views.intervention_create, name="intervention_create"),
    path("menages/<uuid:household_id>/projet/", views.plan_detail, name="plan_detail"),
    path("menages/<uuid:household_id>/projet/pdf/", views.plan_pdf, name="plan_pdf"),
    path("mesures/<uuid:measure_id>/statut/", views.measure_status, name="measure_status"),
    path("dispositifs/", views.catalogue, name="catalogue"),
    path("dispositifs/<uuid:programme_id>/", views.programme_toggle, name="programme_toggle"),
]
