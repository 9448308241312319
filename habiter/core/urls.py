from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.HabiterLoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("connexion/verification/", views.otp_verify, name="otp_verify"),
    path("compte/", views.account, name="account"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("compte/double-authentification/", views.otp_enrol, name="otp_enrol"),
    path("compte/jetons/", views.api_tokens, name="api_tokens"),
    path("compte/jetons/<uuid:token_id>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("association/", views.organisation_settings, name="organisation_settings"),
    path("journal/", views.audit_log, name="audit_log"),
    path("parametres-legaux/", views.legal_parameter_list, name="legal_parameters"),
    path("sante/", views.health, name="health"),
    path("sante/session/", views.health_session, name="health_session"),
    path("sante/pret/", views.readiness, name="readiness"),
    path("metriques/", views.metrics, name="metrics"),
]
