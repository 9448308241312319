from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapports/", views.report_list, name="report_list"),
    # A stored run's id is a UUID: tried before the report codes.
    path("rapports/<uuid:run_id>/", views.run_detail, name="run_detail"),
    path("rapports/<uuid:run_id>/tableur/", views.run_xlsx, name="run_xlsx"),
    path("rapports/<uuid:run_id>/pdf/", views.run_pdf, name="run_pdf"),
    path("rapports/esds/lignes-anonymes/", views.esds_rows, name="esds_rows"),
    path("rapports/<slug:code>/", views.report, name="report"),
    path("subventions/", views.subsidy_list, name="subsidy_list"),
    path("subventions/nouvelle/", views.subsidy_create, name="subsidy_create"),
    path("subventions/comptes-rendus/", views.crf_list, name="crf_list"),
    path("subventions/seuil/", views.accounts_threshold, name="accounts_threshold"),
    path("subventions/couts-iml/", views.iml_costs, name="iml_costs"),
    path("subventions/tableur/", views.subsidy_xlsx, name="subsidy_xlsx"),
    path("subventions/<uuid:subsidy_id>/", views.subsidy_detail, name="subsidy_detail"),
    path(
        "subventions/versements/<uuid:payment_id>/annuler/",
        views.subsidy_payment_cancel,
        name="subsidy_payment_cancel",
    ),
]
