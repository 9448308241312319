"""What `core` itself puts on the home page, and the names of its audit actions."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .models import AuditEvent, Role

ROLE_SUMMARIES = {
    Role.DIRECTOR: gettext_lazy("Vous voyez tous les ménages de l'association et le journal des accès."),
    Role.TEAM_LEAD: gettext_lazy("Vous voyez les ménages de votre équipe, y compris les éléments confidentiels."),
    Role.SOCIAL_WORKER: gettext_lazy("Vous suivez les ménages de votre équipe."),
    Role.RECEPTIONIST: gettext_lazy("Vous trouvez un ménage et ses coordonnées pour l'accueil."),
    Role.VOLUNTEER: gettext_lazy(
        "Vous trouvez un ménage et ses coordonnées ; un bénévole n'agit jamais seul sur un dossier."
    ),
    Role.RENTAL_MANAGER: gettext_lazy(
        "Vous gérez les propriétaires, les logements, la captation, les baux et les révisions de loyer."
    ),
    Role.ACCOUNTANT: gettext_lazy(
        "Vous tenez la comptabilité : loyers, encaissements, rapprochement bancaire, comptes rendus aux "
        "propriétaires et clôtures."
    ),
    Role.TECHNICIAN: gettext_lazy(
        "Vous voyez les interventions techniques et les états des lieux ; les dossiers des ménages ne vous sont pas "
        "ouverts."
    ),
    Role.HOST: gettext_lazy(
        "Vos résidences, leurs places et les admissions orientées par le SIAO sont dans « Résidences », avec les "
        "contrats des résidents, le journal de maison et l'occupation de l'année. Le conseil de maison n'est pas "
        "encore dans Habiter : notez-le dans vos outils habituels."
    ),
    Role.LAWYER: gettext_lazy(
        "Vous voyez les séances de permanence juridique auxquelles vous participez : les ménages reçus, le conseil "
        "donné et les suites à donner ; rien d'autre du système."
    ),
}


def role_panel(user):
    return {
        "summary": ROLE_SUMMARIES.get(user.role, _("Bienvenue.")),
        "can_use_api": user.has_perm("core.use_api"),
        "is_host": user.role == Role.HOST,
    }


def steering_panel(user):
    """The director's pages that sum up the organisation, instead of a few households picked by date."""
    if user.role != Role.DIRECTOR:
        return None
    return {
        "reports": user.has_perm("reporting.view_reports"),
        "subsidies": user.has_perm("reporting.view_subsidies"),
        "statistics": user.has_perm("evictions.view_statistics"),
        "audit": user.has_perm("core.view_audit"),
    }


def audit_panel(user):
    if not user.has_perm("core.view_audit"):
        return None
    events = AuditEvent.objects.filter(organisation_id=user.organisation_id).select_related("actor")[:8]
    return {"events": [{"event": e, "action": registry.audit_action_label(e.action, e.detail)} for e in events]}


def register():
    registry.register_nav_item(registry.NavItem(0, gettext_lazy("Tableau de bord"), "core:home", lambda user: True))
    registry.register_nav_item(
        registry.NavItem(
            80,
            gettext_lazy("Journal des accès"),
            "core:audit_log",
            lambda user: user.has_perm("core.view_audit"),
            "steering",
        )
    )
    registry.register_home_panel(registry.HomePanel("core.role", "core/panel_role.html", 90, role_panel))
    registry.register_home_panel(registry.HomePanel("core.audit", "core/panel_audit.html", 30, audit_panel))
    registry.register_home_panel(registry.HomePanel("core.steering", "core/panel_steering.html", 1, steering_panel))
