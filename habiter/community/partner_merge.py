"""Merging a duplicate partner into the one to keep (« CCAS Marseille » typed once for « CCAS de Marseille »):
directors only, after a confirmation page (docs/adr/0036-partners-in-core.md, addendum).

Every row that names the duplicate is found from the model's meta: every foreign key to `Partner`, the hidden ones
(`related_name="+"`, which `Partner._meta.related_objects` leaves out) included, so that a field added later moves
without a change here. Two kinds of rows would become duplicates at the kept partner and are folded instead of
moved: a contact of the same name whose details do not contradict the kept one's (it completes the kept contact's
blank details, then goes) and a seat identical to one of the kept partner's (same member, body, quality and dates:
the copy goes). A database unique constraint that moving would break — none today — refuses the merge, nothing
written. The kept partner keeps its name and coordinates; its blank ones (and a kind « Autre ») take the
duplicate's. The duplicate is then deleted: the audit trail names partners by identifier only, and the merge's
event records both identifiers and names and the counts moved."""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from habiter.core.audit import audit_record
from habiter.core.versioning import Versioned

from .models import Partner, PartnerContact, PartnerKind, PartnerSeat
from .queries import partners_for

FILLED_FIELDS = ("address", "phone", "email", "notes")
CONTACT_DETAILS = ("role", "phone", "email")

# What each foreign key to a partner is, counted, for the confirmation page and the message (`relation_key`).
RELATION_LABELS = {
    "support.supportmeasure.prescriber": ngettext_lazy(
        "%(count)d mesure d'accompagnement (prescripteur)", "%(count)d mesures d'accompagnement (prescripteur)", "count"
    ),
    "support.planstep.partner": ngettext_lazy(
        "%(count)d étape de plan d'accompagnement", "%(count)d étapes de plans d'accompagnement", "count"
    ),
    "reception.deskvisit.referral_partner": ngettext_lazy(
        "%(count)d passage à l'accueil orienté vers ce partenaire",
        "%(count)d passages à l'accueil orientés vers ce partenaire",
        "count",
    ),
    "evictions.fslfund.manager": ngettext_lazy(
        "%(count)d fonds de solidarité pour le logement (gestionnaire)",
        "%(count)d fonds de solidarité pour le logement (gestionnaire)",
        "count",
    ),
    "evictions.legaldesksession.bar": ngettext_lazy(
        "%(count)d séance de permanence juridique (barreau)",
        "%(count)d séances de permanence juridique (barreau)",
        "count",
    ),
    "residences.orientation.siao": ngettext_lazy("%(count)d orientation SIAO", "%(count)d orientations SIAO", "count"),
    "community.partnercontact.partner": ngettext_lazy("%(count)d contact", "%(count)d contacts", "count"),
    "community.agreement.partner": ngettext_lazy("%(count)d convention", "%(count)d conventions", "count"),
    "community.partnerseat.partner": ngettext_lazy(
        "%(count)d représentation de l'association", "%(count)d représentations de l'association", "count"
    ),
    "community.volunteer.employer": ngettext_lazy(
        "%(count)d bénévole en mécénat de compétences (employeur)",
        "%(count)d bénévoles en mécénat de compétences (employeur)",
        "count",
    ),
}

# Small words left out when names are compared: « CCAS de Marseille » and « CCAS Marseille » are likely one.
LINKING_WORDS = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur"})


# --- the relations -------------------------------------------------------------------------------------------------


def partner_relations() -> list[tuple[type[models.Model], models.Field]]:
    """(model, field) of every foreign key or one-to-one field to `Partner`, hidden reverse relations included;
    a many-to-many is reached through its intermediate table's foreign key, listed here as well."""
    return [
        (relation.related_model, relation.field)
        for relation in Partner._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]


def relation_key(model, fk) -> str:
    return f"{model._meta.label_lower}.{fk.name}"


def relation_label(key: str, count: int) -> str:
    """« 3 mesures d'accompagnement (prescripteur) »: a relation's rows, counted, in French."""
    label = RELATION_LABELS.get(key)
    if label is not None:
        return label % {"count": count}
    app_model, _dot, field_name = key.rpartition(".")
    model = Partner._meta.apps.get_model(app_model)
    return ngettext(
        "%(count)d fiche « %(model)s » (%(field)s)", "%(count)d fiches « %(model)s » (%(field)s)", count
    ) % {"count": count, "model": model._meta.verbose_name, "field": model._meta.get_field(field_name).verbose_name}


# --- likely duplicates ---------------------------------------------------------------------------------------------


def _words(plain: str) -> list[str]:
    """The words of a name, the letters of an acronym written with dots joined (« C.C.A.S. » is « ccas »)."""
    words, letters = [], []
    for word in [*re.findall(r"[^\W_]+", plain), ""]:
        if len(word) == 1:
            letters.append(word)
            continue
        words += ["".join(letters)] if len(letters) > 1 else letters
        letters = []
        if word:
            words.append(word)
    return words


def name_key(name: str) -> str:
    """A name compared without case, accents, punctuation, extra spaces or small linking words."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(word for word in _words(plain) if word not in LINKING_WORDS)


def likely_duplicates(user) -> list[list[Partner]]:
    """The organisation's partners whose names compare equal (`name_key`), by groups of two or more, for the
    directors who may merge them; one query."""
    if not user.has_perm("community.manage_partners"):
        return []
    groups = defaultdict(list)
    for partner in partners_for(user).only("id", "name", "kind"):
        if key := name_key(partner.name):
            groups[key].append(partner)
    return [group for group in groups.values() if len(group) > 1]


def likely_duplicates_of(user, partner) -> list[Partner]:
    """The other partners whose name compares equal to this one's."""
    key = name_key(partner.name)
    for group in likely_duplicates(user):
        if name_key(group[0].name) == key:
            return [other for other in group if other.pk != partner.pk]
    return []


# --- the plan: what a merge will do --------------------------------------------------------------------------------


@dataclass
class MergePlan:
    kept: Partner
    duplicate: Partner
    moved: dict[str, int] = field(default_factory=dict)  # relation key → rows that will name the kept partner
    contact_folds: list[tuple[PartnerContact, PartnerContact]] = field(default_factory=list)  # (duplicate's, kept)
    seat_folds: list[PartnerSeat] = field(default_factory=list)  # the duplicate's copies of a kept seat
    filled: list[str] = field(default_factory=list)  # the kept partner's fields the duplicate fills
    collisions: list[str] = field(default_factory=list)  # what a unique constraint would refuse, in French

    def moved_phrases(self) -> list[str]:
        return [relation_label(key, count) for key, count in self.moved.items() if count]

    def folded_phrases(self) -> list[str]:
        phrases = []
        if count := len(self.contact_folds):
            phrases.append(
                ngettext(
                    "%(count)d contact en double réuni au contact du même nom",
                    "%(count)d contacts en double réunis aux contacts du même nom",
                    count,
                )
                % {"count": count}
            )
        if count := len(self.seat_folds):
            phrases.append(
                ngettext(
                    "%(count)d représentation en double supprimée",
                    "%(count)d représentations en double supprimées",
                    count,
                )
                % {"count": count}
            )
        return phrases

    def summary(self) -> str:
        """What the merge moved, for the message: « 3 mesures d'accompagnement (prescripteur), 1 contact »."""
        return ", ".join(self.moved_phrases() + self.folded_phrases()) or _("aucune fiche ne le nommait")


def _phone(value: str) -> str:
    return re.sub(r"\D", "", value)


def _same_detail(name: str, ours: str, theirs: str) -> bool:
    if not ours or not theirs:
        return True
    if name == "phone":
        return _phone(ours) == _phone(theirs)
    return name_key(ours) == name_key(theirs)


def _contact_folds(kept, duplicate) -> list[tuple[PartnerContact, PartnerContact]]:
    """The duplicate's contacts that are a kept contact already: same name, no detail that contradicts. The kept
    contact's blank details are completed in memory (saved only by the merge)."""
    by_name = {}
    for contact in PartnerContact._base_manager.filter(partner=kept).order_by("created_at", "id"):
        by_name.setdefault(name_key(contact.name), contact)
    folds = []
    for contact in PartnerContact._base_manager.filter(partner=duplicate).order_by("created_at", "id"):
        match = by_name.get(name_key(contact.name))
        if match is None or not all(_same_detail(d, getattr(contact, d), getattr(match, d)) for d in CONTACT_DETAILS):
            continue
        for detail in CONTACT_DETAILS:
            if not getattr(match, detail):
                setattr(match, detail, getattr(contact, detail))
        folds.append((contact, match))
    return folds


def _seat_signature(seat) -> tuple:
    return (seat.member_id, name_key(seat.body), seat.role, seat.started_on, seat.ended_on)


def _seat_folds(kept, duplicate) -> list[PartnerSeat]:
    """The duplicate's seats identical to a seat of the kept partner."""
    known = {_seat_signature(seat) for seat in PartnerSeat._base_manager.filter(partner=kept)}
    return [seat for seat in PartnerSeat._base_manager.filter(partner=duplicate) if _seat_signature(seat) in known]


def _unique_sets(model, fk):
    """(the other fields, the condition) of each uniqueness that includes the foreign key."""
    names = {fk.name, fk.attname}
    if fk.unique:
        yield (), None
    for together in model._meta.unique_together:
        if names & set(together):
            yield tuple(n for n in together if n not in names), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and names & set(constraint.fields):
            yield tuple(n for n in constraint.fields if n not in names), constraint.condition


def _collisions(model, fk, kept, duplicate, leaving: set) -> list[str]:
    """A French sentence per uniqueness of `model` that moving the duplicate's rows to the kept partner breaks."""
    found = []
    for others, condition in _unique_sets(model, fk):
        rows = model._base_manager.exclude(pk__in=leaving)
        if condition is not None:
            rows = rows.filter(condition)
        ours = set(rows.filter(**{fk.name: kept}).values_list("pk", *others))
        theirs = set(rows.filter(**{fk.name: duplicate}).values_list("pk", *others))
        kept_values = {values[1:] for values in ours}
        if any(values[1:] in kept_values and None not in values[1:] for values in theirs):
            found.append(
                _("« %(model)s » : le doublon et le partenaire gardé en ont chacun un qui ne peut exister qu'une fois.")
                % {"model": model._meta.verbose_name}
            )
    return found


def _plan(kept, duplicate) -> MergePlan:
    plan = MergePlan(kept=kept, duplicate=duplicate)
    plan.contact_folds = _contact_folds(kept, duplicate)
    plan.seat_folds = _seat_folds(kept, duplicate)
    leaving = {contact.pk for contact, _match in plan.contact_folds} | {seat.pk for seat in plan.seat_folds}
    for model, fk in partner_relations():
        rows = model._base_manager.filter(**{fk.name: duplicate}).exclude(pk__in=leaving)
        plan.moved[relation_key(model, fk)] = rows.count()
        plan.collisions += _collisions(model, fk, kept, duplicate, leaving)
    plan.filled = [f for f in FILLED_FIELDS if not getattr(kept, f) and getattr(duplicate, f)]
    if kept.kind == PartnerKind.OTHER and duplicate.kind != PartnerKind.OTHER:
        plan.filled.append("kind")
    return plan


def _refuse_collisions(plan: MergePlan) -> None:
    if plan.collisions:
        raise ValidationError(
            _("Fusion impossible, rien n'a été modifié. %(reasons)s Corrigez ces fiches, puis fusionnez.")
            % {"reasons": " ".join(plan.collisions)}
        )


def _same_partner(kept_id, duplicate_id) -> None:
    if str(kept_id) == str(duplicate_id):
        raise ValidationError(
            {"duplicate": _("Choisissez un autre partenaire : un partenaire ne fusionne pas avec lui-même.")}
        )


def merge_preview(user, kept_id, duplicate_id) -> MergePlan:
    """What merging would move, for the confirmation page: both partners in the user's reach (DoesNotExist
    otherwise), not the same; a merge that a unique constraint would refuse is refused here already."""
    rows = partners_for(user)
    kept = rows.get(pk=kept_id)
    duplicate = rows.get(pk=duplicate_id)
    _same_partner(kept.pk, duplicate.pk)
    plan = _plan(kept, duplicate)
    _refuse_collisions(plan)
    return plan


# --- the merge -----------------------------------------------------------------------------------------------------


def _locked_pair(actor, kept_id, duplicate_id) -> tuple[Partner, Partner]:
    """Both partners of the actor's organisation, locked in the order of their identifiers (two merges of the same
    pair wait for each other); DoesNotExist when one is out of reach."""
    rows = Partner.objects.filter(organisation_id=actor.organisation_id).select_for_update()
    found = {str(p.pk): p for p in rows.filter(pk__in=[kept_id, duplicate_id]).order_by("pk")}
    kept, duplicate = found.get(str(kept_id)), found.get(str(duplicate_id))
    if kept is None or duplicate is None:
        raise Partner.DoesNotExist
    return kept, duplicate


def partner_merge(*, actor, kept_id, duplicate_id) -> MergePlan:
    """Move every row that names the duplicate to the kept partner, fold the contacts and seats that would be
    doubled, complete the kept partner's blank fields, delete the duplicate: one transaction, one audit event.
    Returns what was done (the counts actually moved)."""
    if not actor.has_perm("community.manage_partners"):
        raise PermissionDenied
    with transaction.atomic():
        kept, duplicate = _locked_pair(actor, kept_id, duplicate_id)
        _same_partner(kept.pk, duplicate.pk)
        plan = _plan(kept, duplicate)
        _refuse_collisions(plan)
        for contact, match in plan.contact_folds:
            match.save(update_fields=[*CONTACT_DETAILS, "updated_at"])
            contact.delete()
        for seat in plan.seat_folds:
            seat.delete()
        now = timezone.now()
        for model, fk in partner_relations():
            changes = {fk.name: kept}
            if issubclass(model, Versioned):  # a form opened before the merge is refused, not saved over it
                changes["version"] = F("version") + 1
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                changes["updated_at"] = now
            plan.moved[relation_key(model, fk)] = model._base_manager.filter(**{fk.name: duplicate}).update(**changes)
        for name in plan.filled:
            setattr(kept, name, getattr(duplicate, name))
        kept.save(update_fields=[*plan.filled, "updated_at"])
        duplicate_pk = duplicate.pk
        duplicate.delete()
        duplicate.pk = duplicate_pk
        audit_record(
            actor=actor,
            action="partner.merge",
            obj=kept,
            detail={
                "kept": {"id": str(kept.pk), "name": kept.name},
                "duplicate": {"id": str(duplicate_pk), "name": duplicate.name, "kind": duplicate.kind},
                "moved": {key: count for key, count in plan.moved.items() if count},
                "folded": {"contacts": len(plan.contact_folds), "seats": len(plan.seat_folds)},
                "filled": plan.filled,
            },
        )
    return plan
