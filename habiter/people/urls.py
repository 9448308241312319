from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("nouveau/", views.household_create, name="household_create"),
    path("<uuid:household_id>/", views.household_detail, name="household_detail"),
    path("<uuid:household_id>/modifier/", views.household_edit, name="household_edit"),
    path("<uuid:household_id>/membres/nouveau/", views.person_create, name="person_create"),
    path("<uuid:household_id>/membres/<uuid:person_id>/modifier/", views.person_edit, name="person_edit"),
    path("<uuid:household_id>/notes/", views.note_create, name="note_create"),
    path("problematiques/", views.concern_settings, name="concern_settings"),
    path("problematiques/<uuid:concern_id>/", views.concern_toggle, name="concern_toggle"),
]
