"""Every write on appointments: booking without clash, changes, cancellation, attendance, reminders, the feed."""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import Role, User
from habiter.core.sms import send_sms
from habiter.core.versioning import version_check, version_claim
from habiter.people.queries import households_searchable_by

from . import rules as support_rules
from .models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
)


def _locked_worker(actor, worker_id):
    """The worker of an appointment, locked so that two bookings of the same worker are checked one after the
    other; an unknown worker is a form error."""
    worker = (
        User.objects.select_for_update()
        .filter(
            pk=worker_id,
            organisation_id=actor.organisation_id,
            is_active=True,
            role__in=(Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR, Role.RECEPTIONIST),
        )
        .first()
    )
    if worker is None:
        raise ValidationError({"worker": _("Intervenant inconnu.")})
    return worker


def _refuse_clash(worker, starts_at, ends_at, *, exclude_pk=None) -> None:
    """Refuse, naming the other one, an appointment that overlaps another (not cancelled) of the worker."""
    clash = (
        Appointment.objects.filter(worker=worker, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        start, end = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        raise ValidationError(
            {
                "starts_at": _("%(worker)s a déjà « %(title)s » le %(day)s de %(start)s à %(end)s.")
                % {
                    "worker": worker,
                    "title": clash.title,
                    "day": start.strftime("%d/%m/%Y"),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                }
            }
        )


def appointment_may_change(user, appointment) -> bool:
    """Who may edit, move, cancel an appointment or say whether the household came: its worker, whoever booked
    it, the household's referent, the director, and the team lead of the worker's or the household's team."""
    if not getattr(user, "is_authenticated", False) or appointment.organisation_id != user.organisation_id:
        return False
    if user.pk in (appointment.worker_id, appointment.created_by_id):
        return True
    household = appointment.household
    if household is not None and household.referent_id == user.pk:
        return True
    if user.role == Role.DIRECTOR:
        return True
    if user.role == Role.TEAM_LEAD and user.team_id is not None:
        return user.team_id in (appointment.worker.team_id, household.team_id if household else None)
    return False


def _appointment_for(actor, appointment_id, *, lock: bool = True) -> Appointment:
    """The appointment the actor may change, locked; else Appointment.DoesNotExist (a 404 on the pages)."""
    rows = Appointment.objects.select_related("worker", "household", "created_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    appointment = rows.filter(pk=appointment_id, organisation_id=actor.organisation_id).first()
    if appointment is None or not appointment_may_change(actor, appointment):
        raise Appointment.DoesNotExist
    return appointment


def appointment_for(actor, appointment_id) -> Appointment:
    """The appointment the actor may change (for the pages), without a lock."""
    return _appointment_for(actor, appointment_id, lock=False)


def appointment_update(
    *, actor, appointment_id, worker_id, title: str, starts_at, ends_at, place: str = "", expected_version=None
) -> Appointment:
    """Edit or move a planned appointment (its worker's other appointments still may not overlap it);
    `expected_version` is the version the form showed: an appointment changed since is refused."""
    errors = support_rules.appointment_error(starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status != AppointmentStatus.PLANNED:
            raise ValidationError(
                _("Ce rendez-vous est %(status)s : il ne peut plus être modifié.")
                % {"status": appointment.get_status_display()}
            )
        worker = _locked_worker(actor, worker_id)
        _refuse_clash(worker, starts_at, ends_at, exclude_pk=appointment.pk)
        before = {"worker": str(appointment.worker_id), "starts_at": appointment.starts_at.isoformat()}
        moved = appointment.starts_at != starts_at or appointment.worker_id != worker.pk
        appointment.worker = worker
        appointment.title = (title or "").strip()
        appointment.starts_at = starts_at
        appointment.ends_at = ends_at
        appointment.place = (place or "").strip()
        if moved:  # the reminders are for the new date
            appointment.reminder_sent_at = None
            appointment.household_reminder_sent_at = None
        appointment.full_clean()
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.update",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"before": before, "starts_at": starts_at.isoformat(), "worker": str(worker.pk)},
        )
    return appointment


def _when(appointment) -> str:
    start = timezone.localtime(appointment.starts_at)
    return _("le %(day)s à %(time)s") % {"day": start.strftime("%d/%m/%Y"), "time": start.strftime("%H:%M")}


def appointment_cancel(*, actor, appointment_id, reason: str, expected_version=None) -> Appointment:
    """Cancel a planned appointment with its reason: it frees the worker's slot and stays visible. The other
    participants are told by e-mail: the worker when someone else cancels, the household when it has an address."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status != AppointmentStatus.PLANNED:
            raise ValidationError(
                _("Ce rendez-vous est %(status)s : il ne peut plus être annulé.")
                % {"status": appointment.get_status_display()}
            )
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancel_reason = reason
        appointment.cancelled_at = timezone.now()
        appointment.cancelled_by = actor
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.cancel",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"reason": reason},
        )
        subject = _("Rendez-vous annulé : %(title)s") % {"title": appointment.title}
        when = _when(appointment)
        worker = appointment.worker
        if worker.pk != actor.pk and worker.email:
            send_mail(
                subject=subject,
                message=_(
                    "Bonjour,\n\nLe rendez-vous « %(title)s » du %(when)s a été annulé par %(who)s.\n"
                    "Motif : %(reason)s\n\nHabiter"
                )
                % {"title": appointment.title, "when": when, "who": actor, "reason": reason},
                from_email=None,
                recipient_list=[worker.email],
            )
        household = appointment.household
        if household is not None and household.email:
            send_mail(
                subject=_("Votre rendez-vous est annulé"),
                message=_(
                    "Bonjour,\n\nVotre rendez-vous avec %(worker)s %(when)s est annulé.\n"
                    "Motif : %(reason)s\n\nPour convenir d'un autre rendez-vous, contactez l'association.\n"
                )
                % {"worker": worker, "when": when, "reason": reason},
                from_email=None,
                recipient_list=[household.email],
            )
    return appointment


def appointment_mark(*, actor, appointment_id, attended: bool, expected_version=None) -> Appointment:
    """Say whether the household came (« venu » / « pas venu »), once the appointment has started; a cancelled
    appointment has no attendance. Marking again corrects the previous answer."""
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status == AppointmentStatus.CANCELLED:
            raise ValidationError(_("Ce rendez-vous est annulé : il n'y a pas de présence à indiquer."))
        if timezone.now() < appointment.starts_at:
            raise ValidationError(
                _("Ce rendez-vous n'a pas encore commencé : indiquez la présence à partir de son heure de début.")
            )
        status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.MISSED
        previous = appointment.status
        appointment.status = status
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.attendance",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"from": previous, "to": status},
        )
    return appointment


def appointment_book(
    *, actor, worker_id, title: str, starts_at, ends_at, household_id=None, place: str = ""
) -> Appointment:
    """Book an appointment for a worker; refused, naming the other one, if it overlaps another of theirs."""
    if not actor.has_perm("support.book_appointment"):
        raise PermissionDenied
    errors = support_rules.appointment_error(starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        worker = _locked_worker(actor, worker_id)
        household = None
        if household_id:
            household = households_searchable_by(actor).filter(pk=household_id).first()
            if household is None:
                raise ValidationError({"household": _("Ménage inconnu.")})
        _refuse_clash(worker, starts_at, ends_at)
        appointment = Appointment(
            organisation_id=actor.organisation_id,
            worker=worker,
            household=household,
            title=(title or "").strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=(place or "").strip(),
            created_by=actor,
        )
        appointment.full_clean()
        appointment.save()
        audit_record(
            actor=actor, action="appointment.book", obj=appointment, household_id=household.pk if household else None
        )
    return appointment


def calendar_feed_renew(*, actor) -> str:
    """A new private calendar address for the actor; the previous one stops working. Returns the raw key."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=actor, defaults={"key_hash": hashlib.sha256(raw.encode()).hexdigest()}
        )
        audit_record(actor=actor, action="calendar_feed.renew")
    return raw


def calendar_feed_revoke(*, actor) -> None:
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        audit_record(actor=actor, action="calendar_feed.revoke")


def appointment_reminders_send(*, day: date) -> int:
    """E-mail each worker the list of their appointments of `day` (once); returns the number of e-mails."""

    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    pending = (
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end, reminder_sent_at__isnull=True)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("worker", "household")
        .order_by("worker_id", "starts_at")
    )
    by_worker: dict = {}
    for appointment in pending:
        by_worker.setdefault(appointment.worker, []).append(appointment)
    sent = 0
    for worker, appointments in by_worker.items():
        if not worker.email:
            continue
        lines = [
            f"- {timezone.localtime(a.starts_at):%H:%M}–{timezone.localtime(a.ends_at):%H:%M} : {a.title}"
            + (f" ({a.place})" if a.place else "")
            for a in appointments
        ]
        with transaction.atomic():
            send_mail(
                subject=_("Vos rendez-vous du %(day)s") % {"day": day.strftime("%d/%m/%Y")},
                message=_("Bonjour,\n\nVos rendez-vous aujourd'hui :\n%(lines)s\n\nHabiter")
                % {"lines": "\n".join(lines)},
                from_email=None,
                recipient_list=[worker.email],
            )
            Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(reminder_sent_at=timezone.now())
        sent += 1
    return sent


def household_reminders_send(*, day: date) -> int:
    """Remind each household of its planned appointments of the day after `day` (once each): by e-mail when it has
    an address, by SMS (habiter.core.sms) when it has a phone number and agreed to SMS. The sending is recorded on
    the appointment in the transaction that sends it. Returns the number of appointments reminded."""

    start = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    pending = (
        Appointment.objects.filter(
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            status=AppointmentStatus.PLANNED,
            household__isnull=False,
            household_reminder_sent_at__isnull=True,
        )
        .select_related("worker", "household")
        .order_by("starts_at")
    )
    sent = 0
    for appointment in pending:
        household = appointment.household
        by_sms = bool(household.phone and household.sms_consent)
        if not household.email and not by_sms:
            continue
        local = timezone.localtime(appointment.starts_at)
        values = {
            "time": local.strftime("%H:%M"),
            "day": local.strftime("%d/%m/%Y"),
            "worker": appointment.worker,
            "place": appointment.place or _("à l'association"),
        }
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, household_reminder_sent_at__isnull=True).update(
                household_reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            if household.email:
                send_mail(
                    subject=_("Rappel : votre rendez-vous de demain"),
                    message=_(
                        "Bonjour,\n\nNous vous rappelons votre rendez-vous de demain, %(day)s à %(time)s, avec "
                        "%(worker)s (%(place)s).\nSi vous ne pouvez pas venir, merci de prévenir l'association.\n"
                    )
                    % values,
                    from_email=None,
                    recipient_list=[household.email],
                )
            if by_sms:
                send_sms(
                    household.phone,
                    _("Rappel : rendez-vous demain %(day)s à %(time)s avec %(worker)s (%(place)s).") % values,
                )
        sent += 1
    return sent
