"""What `people` contributes to the pages `core` assembles: timeline, home panels, audit labels."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role

from . import queries
from .models import Household, HouseholdNote, Person

FIELD_LABELS = {
    "team": gettext_lazy("équipe"),
    "referent": gettext_lazy("référent"),
    "concerns": gettext_lazy("problématiques"),
}


def _field_label(model, name):
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - an old audit row may name a field that no longer exists
        return name


def record_events(household, user):
    """Creation and edits of the household and its members, read from the audit log."""
    members = {str(m.pk): m for m in household.members.all()}
    for event in queries.write_events(household):
        actor = str(event.actor) if event.actor else ""
        fields = event.detail.get("fields", [])
        if event.action == "household.create":
            title = _("Ménage créé")
            body = ""
        elif event.action == "household.update":
            title = _("Ménage modifié")
            body = _("Champs : %(fields)s") % {"fields": ", ".join(_field_label(Household, f) for f in fields)}
        else:
            member = members.get(event.object_id)
            name = f"{member.first_name} {member.last_name}" if member else _("membre")
            title = (
                _("Membre ajouté : %(name)s") if event.action == "person.create" else _("Membre modifié : %(name)s")
            ) % {"name": name}
            body = (
                _("Champs : %(fields)s") % {"fields": ", ".join(_field_label(Person, f) for f in fields)}
                if fields
                else ""
            )
        yield registry.TimelineEvent(when=event.created_at, kind="record", title=title, body=body, actor=actor)


def note_events(household, user):
    for note in registry.household_rows(
        household, "people.notes", lambda: list(queries.notes_visible_to(user, household))
    ):
        yield registry.TimelineEvent(
            when=note.created_at,
            kind="note",
            title=_("Note"),
            body=note.text,
            actor=str(note.author),
            restricted=note.restricted,
        )


def search_panel(user):
    if not user.has_perm("people.search_household"):
        return None
    return {
        "search_only": user.role in (Role.RECEPTIONIST, Role.VOLUNTEER),
        "can_create": user.has_perm("people.add_household"),
    }


def my_households_panel(user):
    if user.role not in (Role.SOCIAL_WORKER, Role.TEAM_LEAD):
        return None
    households = queries.households_visible_to(user)
    if user.role == Role.SOCIAL_WORKER:
        households = households.filter(referent=user)
        title = _("Mes ménages (référent)")
    else:
        title = _("Ménages de l'équipe")
    return {
        "title": title,
        "households": list(households.order_by("-updated_at")[:8]),
        "count": households.count(),
    }


def household_labeller(organisation_id, ids):
    households = Household.objects.filter(organisation_id=organisation_id, pk__in=list(ids)).only("id", "name")
    return {h.pk: (h.name, reverse("people:household_detail", args=[h.pk])) for h in households}


def household_finder(organisation_id, text):
    """The households of the organisation whose name or a member's name matches `text`, accents and case aside
    (the household search's rule): the journal page's filter by person."""
    return queries.household_search(Household.objects.filter(organisation_id=organisation_id), text).values("pk")


def register():
    from .demo import seed_households
    from .services import concern_taxonomy_install

    registry.register_nav_item(
        registry.NavItem(
            10,
            gettext_lazy("Ménages"),
            "people:household_list",
            lambda u: u.has_perm("people.search_household"),
            "households",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            85,
            gettext_lazy("Problématiques"),
            "people:concern_settings",
            lambda u: u.has_perm("people.configure_concerns"),
            "steering",
        )
    )
    registry.register_timeline_source(registry.TimelineSource("record", gettext_lazy("Dossier"), record_events))
    registry.register_timeline_source(registry.TimelineSource("note", gettext_lazy("Notes"), note_events))
    registry.register_household_rows("people.notes", lambda pk: HouseholdNote.objects.filter(household_id=pk))
    registry.register_home_panel(registry.HomePanel("people.search", "people/panel_search.html", 10, search_panel))
    registry.register_home_panel(
        registry.HomePanel("people.mine", "people/panel_my_households.html", 20, my_households_panel)
    )
    registry.register_organisation_setup(concern_taxonomy_install)
    registry.register_demo_seeder(10, seed_households)
    registry.register_household_labeller(household_labeller)
    registry.register_household_finder(household_finder)
