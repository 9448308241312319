from django.contrib import admin
from django.urls import include, path

from habiter.api import api

urlpatterns = [
    path("", include("habiter.core.urls")),
    path("menages/", include("habiter.people.urls")),
    path("accompagnement/", include("habiter.support.urls")),
    path("accueil/", include("habiter.reception.urls")),
    path("parc/", include("habiter.housing.urls")),
    path("residences/", include("habiter.residences.urls")),
    path("instances/", include("habiter.community.urls")),
    path("baux/", include("habiter.leases.urls")),
    path("comptabilite/", include("habiter.ledger.urls")),
    path("prevention/", include("habiter.evictions.urls")),
    path("pilotage/", include("habiter.reporting.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
