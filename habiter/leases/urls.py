from django.urls import path

from . import views

app_name = "leases"

urlpatterns = [
    path("", views.lease_list, name="lease_list"),
    path("nouveau/", views.lease_create, name="lease_create"),
    path("<uuid:lease_id>/", views.lease_detail, name="lease_detail"),
    path("<uuid:lease_id>/signer/", views.lease_sign, name="lease_sign"),
    path("<uuid:lease_id>/fin/", views.lease_end, name="lease_end"),
    path("<uuid:lease_id>/abandon/", views.lease_cancel, name="lease_cancel"),
    path("<uuid:lease_id>/bilan/", views.review_create, name="review_create"),
    path("<uuid:lease_id>/glissement/", views.lease_slide, name="lease_slide"),
    path("principaux/", views.head_lease_list, name="head_lease_list"),
    path("principaux/nouveau/", views.head_lease_create, name="head_lease_create"),
    path("mandats/nouveau/", views.mandate_create, name="mandate_create"),
    path("revisions/", views.revision_batch, name="revision_batch"),
    path("revisions/<uuid:revision_id>/lettre.pdf", views.revision_letter, name="revision_letter"),
    path("irl/", views.irl, name="irl"),
]
