"""Every write on leases: permission, one transaction, validation against the law's rules, audit."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.core.legal import MissingLegalParameter
from habiter.core.legal_queries import legal_parameters
from habiter.core.versioning import version_claim
from habiter.housing import rules as housing_rules
from habiter.housing.models import Building, Dwelling, Owner
from habiter.people.models import Household

from . import queries, registry
from . import rules as lease_rules
from .models import (
    HeadLease,
    HeadLeaseKind,
    Lease,
    LeaseKind,
    LeaseStatus,
    LeaseStatusChange,
    ManagementMandate,
    RentIndex,
    RentRevision,
    ReviewDecision,
    SlidingReview,
)


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def _rule_error(field, function, *args, **kwargs):
    """Run a pure rule; its French ValueError becomes a form error on `field`."""
    try:
        return function(*args, **kwargs)
    except (ValueError, MissingLegalParameter) as error:
        raise ValidationError({field: str(error)}) from None


# --- IRL -----------------------------------------------------------------------------------------------------


def irl_add(
    *, actor, year: int, quarter: int, zone: str, value: Decimal, published_on=None, source_url: str = ""
) -> RentIndex:
    """Add the quarter INSEE has just published (the table is shared by every organisation): once per quarter and
    zone, and only for a quarter that has ended. The revisions waiting for it can then be applied."""
    _require(actor, "leases.manage_irl")
    if not _rule_error("quarter", lease_rules.irl_quarter_over, year, quarter, timezone.localdate()):
        raise ValidationError(
            {
                "quarter": _("Le %(quarter)s %(year)s n'est pas terminé : son indice n'est pas encore publié.")
                % {"quarter": queries.QUARTER_NAMES[quarter], "year": year}
            }
        )
    with transaction.atomic():
        if RentIndex.objects.filter(year=year, quarter=quarter, zone=zone).exists():
            raise ValidationError({"quarter": _("Cet indice est déjà saisi pour ce trimestre et cette zone.")})
        index = RentIndex(
            year=year,
            quarter=quarter,
            zone=zone,
            value=value,
            published_on=published_on,
            source_url=source_url or "",
            added_by=actor,
        )
        index.full_clean()
        index.save()
        audit_record(actor=actor, action="irl.add", obj=index, detail={"year": year, "quarter": quarter, "zone": zone})
    return index


# --- head leases and mandates ------------------------------------------------------------------------------


def _dwelling(actor, dwelling_id, *, lock=False) -> Dwelling:
    dwellings = Dwelling.objects.filter(organisation_id=actor.organisation_id)
    if lock:
        dwellings = dwellings.select_for_update()
    dwelling = dwellings.filter(pk=dwelling_id).first()
    if dwelling is None:
        raise ValidationError({"dwelling": _("Logement inconnu.")})
    return dwelling


def _owner(actor, owner_id, field="owner") -> Owner:
    owner = Owner.objects.filter(organisation_id=actor.organisation_id, pk=owner_id).first()
    if owner is None:
        raise ValidationError({field: _("Propriétaire inconnu.")})
    return owner


def head_lease_create(
    *,
    actor,
    kind: str,
    owner_id,
    surface: Decimal,
    rent: Decimal,
    start_date: date,
    charges: Decimal = Decimal("0"),
    end_date: date | None = None,
    dwelling_id=None,
    building_id=None,
) -> HeadLease:
    """Record a lease the association holds: a long lease on a building or an ordinary lease on a dwelling."""
    _require(actor, "leases.manage_lease")
    with transaction.atomic():
        owner = _owner(actor, owner_id)
        dwelling = _dwelling(actor, dwelling_id) if dwelling_id else None
        building = None
        if building_id:
            building = Building.objects.filter(organisation_id=actor.organisation_id, pk=building_id).first()
            if building is None:
                raise ValidationError({"building": _("Immeuble inconnu.")})
        if kind == HeadLeaseKind.ORDINARY and dwelling is None:
            raise ValidationError({"dwelling": _("Un bail pour sous-louer porte sur un logement.")})
        if (dwelling is None) == (building is None):
            raise ValidationError({"dwelling": _("Choisissez un logement ou un immeuble, pas les deux.")})
        if kind == HeadLeaseKind.LONG_LEASE and end_date is None:
            raise ValidationError({"end_date": _("Un bail emphytéotique a une date de fin.")})
        head_lease = HeadLease(
            organisation_id=actor.organisation_id,
            kind=kind,
            owner=owner,
            dwelling=dwelling,
            building=building,
            surface=surface,
            rent=rent,
            charges=charges,
            start_date=start_date,
            end_date=end_date,
            created_by=actor,
        )
        head_lease.full_clean()
        head_lease.save()
        audit_record(actor=actor, action="head_lease.create", obj=head_lease, detail={"kind": kind})
    return head_lease


def mandate_create(
    *,
    actor,
    owner_id,
    dwelling_id,
    fee_rate: Decimal,
    start_date: date,
    payout_iban: str,
    end_date: date | None = None,
) -> ManagementMandate:
    """Record a management mandate: the owner stays the landlord, the association manages for a fee."""
    _require(actor, "leases.manage_lease")
    error = housing_rules.iban_error(payout_iban)
    if error or not housing_rules.normalise_iban(payout_iban):
        raise ValidationError({"payout_iban": error or _("Indiquez l'IBAN sur lequel reverser les loyers.")})
    with transaction.atomic():
        owner = _owner(actor, owner_id)
        dwelling = _dwelling(actor, dwelling_id)
        if dwelling.owner_id != owner.pk:
            raise ValidationError({"dwelling": _("Ce logement n'appartient pas à ce propriétaire.")})
        mandate = ManagementMandate(
            organisation_id=actor.organisation_id,
            owner=owner,
            dwelling=dwelling,
            fee_rate=fee_rate,
            start_date=start_date,
            end_date=end_date,
            payout_iban=housing_rules.normalise_iban(payout_iban),
            created_by=actor,
        )
        mandate.full_clean()
        mandate.save()
        audit_record(actor=actor, action="mandate.create", obj=mandate)
    return mandate


# --- leases --------------------------------------------------------------------------------------------------


def _check_overlap(dwelling, start: date, end: date | None, exclude_id=None) -> None:
    others = Lease.objects.filter(dwelling=dwelling).exclude(status=LeaseStatus.CANCELLED).select_related("household")
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    for other in others:
        if lease_rules.periods_overlap(start, end, other.start_date, other.end_date):
            raise ValidationError(
                {
                    "start_date": _(
                        "Ce logement a déjà un bail sur cette période (%(household)s, depuis le %(start)s)."
                    )
                    % {"household": other.household.name, "start": other.start_date.strftime("%d/%m/%Y")}
                }
            )


def _check_letting(dwelling, start: date, rent: Decimal, params) -> None:
    """Decency at the start (R61) and, for F/G, no rent above the previous tenant's (R13)."""
    zone = queries.zone_of(dwelling)
    if not dwelling.energy_class:
        raise ValidationError({"dwelling": _("Le DPE de ce logement n'est pas renseigné : il ne peut pas être loué.")})
    decent = _rule_error(
        "dwelling", lease_rules.decent_for_letting, dwelling.energy_class, start, territory=zone, params=params
    )
    if not decent:
        raise ValidationError(
            {
                "dwelling": _(
                    "Un logement de classe %(cls)s n'est pas décent au %(start)s : il ne peut pas être loué "
                    "(loi du 6 juillet 1989, art. 6)."
                )
                % {"cls": dwelling.energy_class, "start": start.strftime("%d/%m/%Y")}
            }
        )
    if not lease_rules.rent_increase_allowed(dwelling.energy_class, start, territory=zone, params=params):
        previous = (
            Lease.objects.filter(dwelling=dwelling, start_date__lt=start)
            .exclude(status=LeaseStatus.CANCELLED)
            .order_by("-start_date")
            .first()
        )
        if previous is not None and rent > previous.rent:
            raise ValidationError(
                {
                    "rent": _(
                        "Logement de classe %(cls)s : le loyer ne peut pas dépasser celui du précédent locataire "
                        "(%(previous)s €) (loi du 6 juillet 1989, art. 17-1 III)."
                    )
                    % {"cls": dwelling.energy_class, "previous": euros(previous.rent)}
                }
            )


def lease_create(
    *,
    actor,
    kind: str,
    dwelling_id,
    household_id,
    rent: Decimal,
    start_date: date,
    irl_quarter: int,
    charges: Decimal = Decimal("0"),
    deposit: Decimal = Decimal("0"),
    payment_day: int = 5,
    irl_base_year: int | None = None,
    end_date: date | None = None,
    head_lease_id=None,
    mandate_id=None,
    guarantee: str = "",
    visale_number: str = "",
    fsl_guarantee_reference: str = "",
    sliding: bool = False,
    review_every_months: int | None = None,
    revision_anchor: date | None = None,
) -> Lease:
    """Prepare a lease (status draft) after checking what the law requires: a decent dwelling at the start,
    no other lease on the same days, a deposit within its cap, and for a sublease a rent per m² not above the
    head lease's. Nothing is saved when a check fails."""
    _require(actor, "leases.manage_lease")
    params = legal_parameters()
    with transaction.atomic():
        dwelling = _dwelling(actor, dwelling_id, lock=True)
        household = Household.objects.filter(organisation_id=actor.organisation_id, pk=household_id).first()
        if household is None:
            raise ValidationError({"household": _("Ménage inconnu.")})
        if end_date is not None and end_date < start_date:
            raise ValidationError({"end_date": _("La fin du bail ne peut pas précéder son début.")})
        _check_letting(dwelling, start_date, rent, params)
        _check_overlap(dwelling, start_date, end_date)
        within = _rule_error(
            "deposit", lease_rules.deposit_within_cap, deposit, rent, dwelling.furnished, on=start_date, params=params
        )
        if not within:
            cap = lease_rules.max_deposit(rent, dwelling.furnished, on=start_date, params=params)
            raise ValidationError(
                {
                    "deposit": _(
                        "Le dépôt de garantie ne peut pas dépasser %(cap)s € (%(months)s de loyer hors charges, "
                        "logement %(furnished)s ; loi du 6 juillet 1989, art. 22)."
                    )
                    % {
                        "cap": euros(cap),
                        "months": _("deux mois") if dwelling.furnished else _("un mois"),
                        "furnished": _("meublé") if dwelling.furnished else _("vide"),
                    }
                }
            )
        head_lease = mandate = landlord = None
        if kind == LeaseKind.SUBLEASE:
            head_lease = HeadLease.objects.filter(
                organisation_id=actor.organisation_id, pk=head_lease_id, dwelling=dwelling, ended_on__isnull=True
            ).first()
            if head_lease is None:
                raise ValidationError({"head_lease": _("Choisissez le bail principal en cours de ce logement.")})
            if not lease_rules.sublease_rent_allowed(rent, dwelling.surface, head_lease.rent, head_lease.surface):
                raise ValidationError(
                    {
                        "rent": _(
                            "Le loyer au m² de la sous-location (%(sub)s €/m²) dépasse celui du bail principal "
                            "(%(head)s €/m²) (loi du 6 juillet 1989, art. 8)."
                        )
                        % {
                            "sub": euros(rent / dwelling.surface),
                            "head": euros(head_lease.rent / head_lease.surface),
                        }
                    }
                )
            if head_lease.end_date and (end_date is None or end_date > head_lease.end_date):
                raise ValidationError(
                    {
                        "end_date": _("La sous-location ne peut pas durer au-delà du bail principal (%(end)s).")
                        % {"end": head_lease.end_date.strftime("%d/%m/%Y")}
                    }
                )
        elif kind == LeaseKind.MANDATE:
            mandate = ManagementMandate.objects.filter(
                organisation_id=actor.organisation_id, pk=mandate_id, dwelling=dwelling
            ).first()
            if mandate is None:
                raise ValidationError({"mandate": _("Choisissez le mandat de gestion de ce logement.")})
            landlord = mandate.owner
        elif kind != LeaseKind.DIRECT:
            raise ValidationError({"kind": _("Type de bail inconnu.")})
        if sliding and kind != LeaseKind.SUBLEASE:
            raise ValidationError({"sliding": _("Seule une sous-location peut être un bail glissant.")})
        if review_every_months is None:
            review_every_months = params.integer("sliding_review_months", start_date)
        lease = Lease(
            organisation_id=actor.organisation_id,
            kind=kind,
            status=LeaseStatus.DRAFT,
            dwelling=dwelling,
            household=household,
            landlord=landlord,
            head_lease=head_lease,
            mandate=mandate,
            sliding=sliding,
            review_every_months=review_every_months,
            rent=rent,
            charges=charges,
            payment_day=payment_day,
            deposit=deposit,
            irl_quarter=irl_quarter,
            irl_base_year=irl_base_year or lease_rules.reference_index_year(irl_quarter, start_date),
            # R10: the revision falls each year on the date the lease states, else on its anniversary
            revision_anchor=revision_anchor or start_date,
            guarantee=guarantee or "",
            visale_number=visale_number or "",
            fsl_guarantee_reference=fsl_guarantee_reference or "",
            start_date=start_date,
            end_date=end_date,
            created_by=actor,
        )
        lease.full_clean()
        lease.save()
        LeaseStatusChange.objects.create(
            organisation_id=actor.organisation_id,
            lease=lease,
            to_status=LeaseStatus.DRAFT,
            on_date=timezone.localdate(),
            actor=actor,
        )
        audit_record(actor=actor, action="lease.create", obj=lease, household_id=household.pk, detail={"kind": kind})
    return lease


def _lease_for_update(actor, lease_id, expected_version: int | None = None) -> Lease:
    """The lease, locked and claimed for a write: a form that showed an older version than `expected_version`
    raises StaleVersion (core.versioning), and the caller's transaction saves nothing."""
    lease = queries.leases_visible_to(actor).select_for_update().filter(pk=lease_id).first()
    if lease is None:
        raise Lease.DoesNotExist
    version_claim(lease, expected_version=expected_version)
    return lease


def _move(actor, lease, to_status, on_date, comment="") -> None:
    error = lease_rules.lease_transition_error(lease.status, to_status)
    if error:
        raise ValidationError(error)
    from_status = lease.status
    lease.status = to_status
    lease.full_clean()
    lease.save()
    LeaseStatusChange.objects.create(
        organisation_id=lease.organisation_id,
        lease=lease,
        from_status=from_status,
        to_status=to_status,
        on_date=on_date,
        comment=comment or "",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=f"lease.{to_status}",
        obj=lease,
        household_id=lease.household_id,
        detail={"from": from_status, "to": to_status},
    )


def lease_sign(*, actor, lease_id, signed_on: date, comment: str = "", expected_version: int | None = None) -> Lease:
    """Sign a prepared lease; a sliding lease's first review period starts with it."""
    _require(actor, "leases.manage_lease")
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id, expected_version)
        lease.signed_on = signed_on
        if lease.sliding and lease.review_period_end is None:
            lease.review_period_end = lease_rules.review_period_end(lease.start_date, lease.review_every_months)
        _move(actor, lease, LeaseStatus.SIGNED, signed_on, comment)
    return lease


def lease_cancel(*, actor, lease_id, on_date: date, comment: str = "", expected_version: int | None = None) -> Lease:
    """Give up a lease that was never signed."""
    _require(actor, "leases.manage_lease")
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id, expected_version)
        _move(actor, lease, LeaseStatus.CANCELLED, on_date, comment)
    return lease


def lease_end(
    *,
    actor,
    lease_id,
    end_date: date | None = None,
    notice_given_on: date | None = None,
    notice_reduced: bool = False,
    moved_out_on: date | None = None,
    relet_on: date | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Lease:
    """End a signed lease: the tenant's notice, the last day, the move-out. A tenant who gave notice owes the rent
    to the end of the notice whatever the day the keys are handed back (loi 89 art. 15 I), unless a new tenant
    takes the dwelling earlier: the last day is then the end of the notice or the eve of the reletting, and a last
    day given earlier than that is refused. Without notice the last day is required."""
    _require(actor, "leases.manage_lease")
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id, expected_version)
        rent_until = None
        if notice_given_on is not None:
            if notice_given_on < lease.start_date:
                raise ValidationError({"notice_given_on": _("Le congé ne peut pas précéder le début du bail.")})
            try:
                notice_end = lease_rules.tenant_notice_end(
                    notice_given_on,
                    reduced=notice_reduced,
                    territory=lease.dwelling.territory,
                    params=legal_parameters(),
                )
            except MissingLegalParameter as error:
                raise ValidationError({"notice_given_on": str(error)}) from None
            if relet_on is not None and relet_on <= notice_given_on:
                raise ValidationError({"relet_on": _("La relocation suit le congé.")})
            rent_until = lease_rules.rent_runs_until(notice_end, relet_on)
            if end_date is None:
                end_date = rent_until
            elif end_date < rent_until:
                raise ValidationError(
                    {
                        "end_date": _(
                            "Le congé reçu le %(notice)s court jusqu'au %(until)s : le loyer est dû jusque-là, "
                            "même si les clés sont rendues avant. Si un nouveau locataire entre plus tôt, indiquez "
                            "la date de relocation."
                        )
                        % {"notice": f"{notice_given_on:%d/%m/%Y}", "until": f"{rent_until:%d/%m/%Y}"}
                    }
                )
        elif relet_on is not None:
            raise ValidationError({"relet_on": _("La relocation avant la fin du préavis suppose un congé.")})
        if end_date is None:
            raise ValidationError({"end_date": _("Indiquez le dernier jour du bail ou la date du congé.")})
        if end_date < lease.start_date:
            raise ValidationError({"end_date": _("La fin du bail ne peut pas précéder son début.")})
        if notice_given_on and notice_given_on > end_date:
            raise ValidationError({"notice_given_on": _("Le congé se donne avant la fin du bail.")})
        if moved_out_on is not None and moved_out_on < lease.start_date:
            raise ValidationError({"moved_out_on": _("Le départ ne peut pas précéder le début du bail.")})
        lease.end_date = end_date
        lease.notice_given_on = notice_given_on
        lease.notice_reduced = bool(notice_given_on and notice_reduced)
        lease.moved_out_on = moved_out_on
        lease.relet_on = relet_on
        _move(actor, lease, LeaseStatus.ENDED, end_date, comment)
    return lease


# --- sliding lease ----------------------------------------------------------------------------------------


def sliding_review_record(
    *,
    actor,
    lease_id,
    held_on: date,
    worker_opinion: str,
    landlord_opinion: str,
    decision: str,
    worker_comment: str = "",
    landlord_comment: str = "",
    expected_version: int | None = None,
) -> SlidingReview:
    """Record the periodic review of a sliding lease: the worker's and the landlord's opinions and the
    decision. Extending opens a new review period of the lease's rhythm."""
    _require(actor, "leases.review_sliding")
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id, expected_version)
        if not lease.sliding or lease.status != LeaseStatus.SIGNED:
            raise ValidationError(_("Seul un bail glissant signé fait l'objet de bilans."))
        if held_on < lease.start_date:
            raise ValidationError({"held_on": _("Le bilan ne peut pas précéder le début du bail.")})
        next_end = None
        if decision == ReviewDecision.EXTEND:
            current_end = lease.review_period_end or lease_rules.review_period_end(
                lease.start_date, lease.review_every_months
            )
            next_end = lease_rules.review_period_end(current_end + timedelta(days=1), lease.review_every_months)
            lease.review_period_end = next_end
            lease.save(update_fields=["review_period_end", "updated_at"])
        review = SlidingReview(
            organisation_id=lease.organisation_id,
            lease=lease,
            held_on=held_on,
            worker_opinion=worker_opinion,
            worker_comment=worker_comment or "",
            landlord_opinion=landlord_opinion,
            landlord_comment=landlord_comment or "",
            decision=decision,
            next_period_end=next_end,
            author=actor,
        )
        review.full_clean()
        review.save()
        audit_record(
            actor=actor,
            action="sliding_review.record",
            obj=review,
            household_id=lease.household_id,
            detail={"decision": decision},
        )
    return review


def lease_slide(*, actor, lease_id, on_date: date, expected_version: int | None = None) -> Lease:
    """The slide: the sublease and the head lease of the dwelling end the day before, and a direct lease
    between the owner and the household starts on `on_date`, with the same rent, charges, deposit, reference
    quarter and revision anniversary. The old leases stay, marked slid and ended: the history is kept.
    The direct lease is a new lease: the dwelling must be decent on `on_date`, as at any letting (R61)."""
    _require(actor, "leases.manage_lease")
    params = legal_parameters()
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id, expected_version)
        if lease.kind != LeaseKind.SUBLEASE or not lease.sliding:
            raise ValidationError(_("Seul un bail glissant peut glisser."))
        if lease.status != LeaseStatus.SIGNED:
            raise ValidationError(lease_rules.lease_transition_error(lease.status, LeaseStatus.SLID))
        if on_date <= lease.start_date:
            raise ValidationError({"on_date": _("Le glissement suit le début de la sous-location.")})
        if not lease.reviews.filter(decision=ReviewDecision.SLIDE).exists():
            raise ValidationError(_("Un bilan concluant au glissement est nécessaire avant de faire glisser le bail."))
        _check_letting(_dwelling(actor, lease.dwelling_id, lock=True), on_date, lease.rent, params)
        head_lease = HeadLease.objects.select_for_update().get(pk=lease.head_lease_id)
        last_day = on_date - timedelta(days=1)
        lease.end_date = last_day
        _move(actor, lease, LeaseStatus.SLID, on_date, _("Glissement du bail au nom du ménage."))
        head_lease.ended_on = last_day
        if head_lease.end_date is None or head_lease.end_date > last_day:
            head_lease.end_date = last_day
        head_lease.full_clean()
        head_lease.save()
        audit_record(actor=actor, action="head_lease.end", obj=head_lease, detail={"reason": "slide"})
        direct = Lease(
            organisation_id=lease.organisation_id,
            kind=LeaseKind.DIRECT,
            status=LeaseStatus.SIGNED,
            dwelling=lease.dwelling,
            household=lease.household,
            landlord=head_lease.owner,
            slid_from=lease,
            rent=lease.rent,
            charges=lease.charges,
            payment_day=lease.payment_day,
            deposit=lease.deposit,
            irl_quarter=lease.irl_quarter,
            irl_base_year=lease.irl_base_year,
            revision_anchor=lease.revision_anchor,
            guarantee=lease.guarantee,
            visale_number=lease.visale_number,
            fsl_guarantee_reference=lease.fsl_guarantee_reference,
            start_date=on_date,
            signed_on=on_date,
            created_by=actor,
        )
        direct.full_clean()
        try:
            with transaction.atomic():
                direct.save()
        except IntegrityError:
            raise ValidationError(_("Ce logement a déjà un autre bail à cette date.")) from None
        LeaseStatusChange.objects.create(
            organisation_id=lease.organisation_id,
            lease=direct,
            to_status=LeaseStatus.SIGNED,
            on_date=on_date,
            comment=_("Bail direct issu du glissement."),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="lease.slide",
            obj=direct,
            household_id=lease.household_id,
            detail={"from": str(lease.pk)},
        )
    return direct


# --- yearly revision -----------------------------------------------------------------------------------------


def rent_revisions_apply(*, actor, month: date, lease_ids, today: date) -> list[RentRevision]:
    """Apply the revisions of `month` that the manager confirmed: the batch is computed again under lock,
    so what is applied is what the rules allow today; skipped leases (F/G, time-barred, no index, no index newer
    than the lease's reference) are never revised. The revision takes effect on its date, or on today's request if
    later (R12); the new index becomes the lease's reference (`irl_base_year`) for the next one."""
    _require(actor, "leases.revise_rent")
    wanted = {str(pk) for pk in lease_ids}
    if not wanted:
        raise ValidationError(_("Cochez au moins un bail à réviser."))
    params = legal_parameters()
    revisions = []
    with transaction.atomic():
        list(queries.leases_visible_to(actor).filter(pk__in=wanted).select_for_update().values_list("pk", flat=True))
        lines = {str(line.lease.pk): line for line in queries.revision_batch(actor, month, today)}
        unknown = wanted - set(lines)
        if unknown:
            raise ValidationError(_("Un des baux cochés n'est pas à réviser ce mois-ci."))
        for lease_id in sorted(wanted):
            line = lines[lease_id]
            if not line.applicable:
                raise ValidationError(
                    _("%(dwelling)s : %(reason)s")
                    % {"dwelling": line.lease.dwelling.reference, "reason": line.skip_reason}
                )
            lease = line.lease
            effective = lease_rules.revision_effective_date(line.revision_date, today, params=params)
            revision = RentRevision(
                organisation_id=lease.organisation_id,
                lease=lease,
                revision_date=line.revision_date,
                effective_date=effective,
                base_index=line.base,
                new_index=line.new,
                old_rent=lease.rent,
                new_rent=line.new_rent,
                applied_by=actor,
            )
            revision.full_clean()
            revision.save()
            lease.rent = line.new_rent
            lease.irl_base_year = line.new.year
            lease.save(update_fields=["rent", "irl_base_year", "updated_at"])
            registry.revision_applied(revision, actor)
            audit_record(
                actor=actor,
                action="rent_revision.apply",
                obj=revision,
                household_id=lease.household_id,
                detail={"old": str(revision.old_rent), "new": str(revision.new_rent)},
            )
            revisions.append(revision)
    return revisions


def lease_charges_adjust(*, actor, lease_id, charges: Decimal, reason: str = "") -> Lease:
    """Set the lease's monthly provision for charges (the next rent calls ask it), e.g. to a twelfth of the actual
    charges after the annual regularisation (R16). The tenant must have been told; the previous amount is kept in
    the audit log."""
    _require(actor, "leases.manage_lease")
    if (
        not isinstance(charges, Decimal)
        or not charges.is_finite()
        or charges < 0
        or charges != charges.quantize(Decimal("0.01"))
    ):
        raise ValidationError({"charges": _("La provision pour charges est un montant positif au centime près.")})
    with transaction.atomic():
        lease = _lease_for_update(actor, lease_id)
        if lease.status not in (LeaseStatus.SIGNED, LeaseStatus.SLID):
            raise ValidationError(_("Seule la provision d'un bail en cours s'ajuste."))
        before = lease.charges
        lease.charges = charges
        lease.full_clean()
        lease.save(update_fields=["charges", "updated_at"])
        audit_record(
            actor=actor,
            action="lease.charges_adjust",
            obj=lease,
            household_id=lease.household_id,
            detail={"from": str(before), "to": str(charges), "reason": reason[:200]},
        )
    return lease
