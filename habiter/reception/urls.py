from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("visites/", views.desk_visit_list, name="desk_visit_list"),
    path("visites/nouvelle/", views.desk_visit_create, name="desk_visit_create"),
    path("ateliers/", views.workshop_list, name="workshop_list"),
    path("ateliers/nouveau/", views.workshop_create, name="workshop_create"),
    path("ateliers/<uuid:workshop_id>/seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<uuid:session_id>/", views.session_detail, name="session_detail"),
    path("seances/<uuid:session_id>/inscriptions/", views.enrolment_add, name="enrolment_add"),
    path("seances/<uuid:session_id>/presences/", views.attendance_take, name="attendance_take"),
    path("orientations/", views.referral_list, name="referral_list"),
    path("orientations/nouvelle/", views.referral_create, name="referral_create"),
    path("orientations/<uuid:referral_id>/prise-en-charge/", views.referral_take_up, name="referral_take_up"),
    path("orientations/<uuid:referral_id>/reouverture/", views.referral_reopen, name="referral_reopen"),
    path("orientations/<uuid:referral_id>/reorientation/", views.referral_redirect, name="referral_redirect"),
]
