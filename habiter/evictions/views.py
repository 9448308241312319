"""Pages of `evictions`: thin views over queries.py and services.py."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_list, journaled_read, listed, read_of
from habiter.core.versioning import StaleVersion, show_stale
from habiter.people.queries import households_visible_to

from . import queries, services
from .forms import (
    AdvanceForm,
    AdvanceSettleForm,
    CaseOpenForm,
    CloseForm,
    DiagnosisForm,
    FslApplicationForm,
    FslDecisionForm,
    FslFundForm,
    FslPaidForm,
    LegalAdviceForm,
    LegalSessionForm,
    LegalVisitForm,
    PeriodForm,
    ReopenForm,
    StepForm,
)
from .models import Advance, CaseOutcome, LegalDeskSession, LegalDeskVisit, PreventionCase


def _case(user, case_id):
    try:
        return queries.case_for_page(user, case_id)
    except PreventionCase.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.case_form", household="household_id")
def case_open(request, household_id):
    user = request.user
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("evictions.manage_case", household):
        raise Http404
    form = CaseOpenForm(request.POST or None, initial={"contractual_months": 2})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=user, household_id=household.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Dossier de prévention ouvert."))
            return redirect("evictions:case_detail", case.pk)
    return render(request, "evictions/case_open.html", {"form": form, "household": household})


@require_http_methods(["POST"])
def case_open_from_lease(request, lease_id):
    """The early warning's one click: a case prefilled from the lease and its balance."""
    try:
        case = services.case_open_from_lease(actor=request.user, lease_id=lease_id)
    except PreventionCase.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("core:home")
    messages.success(request, _("Dossier de prévention ouvert, prérempli depuis le compte du locataire."))
    return redirect("evictions:case_detail", case.pk)


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.case")
def case_detail(request, case_id):
    """The case, its steps and the deadlines they open; the form of the next step."""
    user = request.user
    case = _case(user, case_id)
    read_of(request, household_id=case.household_id, obj=case)
    today = timezone.localdate()
    form = StepForm(request.POST or None, initial={"on_date": today})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_step_add(actor=user, case_id=case.pk, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Étape enregistrée."))
                return redirect("evictions:case_detail", case.pk)
    deadlines = queries.deadlines_of(case)
    in_ledger, caf_episodes = queries.case_caf_unpaid(case, today)
    return render(
        request,
        "evictions/case_detail.html",
        {
            "case": case,
            "in_ledger": in_ledger,
            "caf_episodes": caf_episodes,
            "form": form,
            "deadlines": deadlines,
            "today": today,
            "close_form": CloseForm(initial={"closed_on": today}) if not case.closed_on else None,
            "reopen_form": ReopenForm()
            if case.closed_on and user.has_perm("evictions.manage_case", case.household)
            else None,
            "has_diagnosis": queries.diagnosis_of(case) is not None,
        },
    )


@require_http_methods(["POST"])
def case_close(request, case_id):
    """Close the case, after a confirmation page that says what closing means."""
    user = request.user
    case = _case(user, case_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez l'issue et la date de clôture."))
        return redirect("evictions:case_detail", case.pk)
    data = form.cleaned_data
    if not is_confirmed(request):
        consequences = [
            _("Le dossier est clos : on ne peut plus y noter d'étape ni modifier son diagnostic."),
            _("Les échéances du dossier ne sont plus suivies sur l'accueil."),
            _("Seul le référent, le responsable d'équipe ou la direction pourra le rouvrir, avec un motif."),
        ]
        debt = services.household_ledger_debt(case.household_id, timezone.localdate())
        if data["outcome"] == CaseOutcome.DEBT_SETTLED and debt > 0:
            consequences.append(
                _("Attention : la comptabilité montre encore une dette de %(debt)s € sur le bail du ménage.")
                % {"debt": euros(debt)}
            )
        facts = [
            (_("Ménage"), case.household.name),
            (_("Issue"), CaseOutcome(data["outcome"]).label),
            (_("Clos le"), f"{data['closed_on']:%d/%m/%Y}"),
        ]
        if data["reason"]:
            facts.append((_("Motif"), data["reason"]))
        return confirmation_page(
            request,
            Confirmation(
                title=_("Clore le dossier de prévention"),
                facts=facts,
                consequences=consequences,
                action=_("Confirmer la clôture"),
                cancel_url=reverse("evictions:case_detail", args=[case.pk]),
            ),
        )
    try:
        services.case_close(actor=user, case_id=case.pk, **data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Dossier clos."))
    return redirect("evictions:case_detail", case.pk)


@require_http_methods(["POST"])
def case_reopen(request, case_id):
    """Reopen a closed case with a reason, after a confirmation page."""
    user = request.user
    case = _case(user, case_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez pourquoi le dossier est rouvert."))
        return redirect("evictions:case_detail", case.pk)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Rouvrir le dossier de prévention"),
                facts=[
                    (_("Ménage"), case.household.name),
                    (_("Issue notée"), case.get_outcome_display()),
                    (_("Motif"), form.cleaned_data["reason"]),
                ],
                consequences=[
                    _("Le dossier redevient ouvert : son issue et sa date de clôture sont retirées."),
                    _("La réouverture et son motif sont inscrits au journal."),
                ],
                action=_("Confirmer la réouverture"),
                cancel_url=reverse("evictions:case_detail", args=[case.pk]),
                danger=False,
            ),
        )
    try:
        services.case_reopen(actor=user, case_id=case.pk, reason=form.cleaned_data["reason"])
    except (PreventionCase.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Dossier rouvert."))
    return redirect("evictions:case_detail", case.pk)


# --- social and financial diagnosis ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.diagnosis")
def diagnosis_edit(request, case_id):
    """The fifteen rubrics of the diagnosis, with the interview-offer deadline."""
    user = request.user
    case = _case(user, case_id)
    diagnosis = queries.diagnosis_of(case)
    read_of(request, household_id=case.household_id, obj=diagnosis or case)
    initial = {"writer": f"{user.get_full_name()} — {user.organisation.name}"} if diagnosis is None else None
    form = DiagnosisForm(request.POST or None, instance=diagnosis, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.diagnosis_save(actor=user, case_id=case.pk, expected_version=version, **data)
        except StaleVersion as stale:
            diagnosis = queries.diagnosis_of(case)
            show_stale(form, stale, DiagnosisForm(instance=diagnosis))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Diagnostic enregistré."))
            return redirect("evictions:diagnosis_edit", case.pk)
    return render(
        request,
        "evictions/diagnosis_form.html",
        {
            "case": case,
            "form": form,
            "diagnosis": diagnosis,
            "deadlines": queries.diagnosis_deadlines(case, diagnosis),
            "closed": bool(case.closed_on),
        },
    )


@require_http_methods(["GET"])
@journaled_read("evictions.diagnosis_pdf")
def diagnosis_pdf(request, case_id):
    user = request.user
    case = _case(user, case_id)
    diagnosis = queries.diagnosis_of(case)
    if diagnosis is None:
        raise Http404
    read_of(request, household_id=case.household_id, obj=diagnosis)
    rubrics = [(diagnosis._meta.get_field(name).verbose_name, name) for name in diagnosis.RUBRICS]
    return pdf_response(
        "evictions/diagnosis_pdf.html",
        {
            "case": case,
            "diagnosis": diagnosis,
            "rubrics": [(label, _rubric_value(diagnosis, name)) for label, name in rubrics],
            "deadlines": queries.diagnosis_deadlines(case, diagnosis),
            "organisation": user.organisation,
        },
        filename=f"diagnostic-social-et-financier-{case.pk}.pdf",
    )


def _rubric_value(diagnosis, name):
    if name == "tenant_presence":
        return diagnosis.get_tenant_presence_display()
    if name == "transmission_told":
        return _("Oui") if diagnosis.transmission_told else _("Non")
    return getattr(diagnosis, name) or "—"


# --- FSL ---------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def fsl_funds(request):
    """The départements' funds the organisation works with (directors add them)."""
    user = request.user
    if not user.has_perm("evictions.configure_fsl"):
        raise Http404
    form = FslFundForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.fsl_fund_add(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Fonds ajouté."))
            return redirect("evictions:fsl_funds")
    return render(
        request, "evictions/fsl_funds.html", {"form": form, "funds": queries.fsl_funds(user, active_only=False)}
    )


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.fsl_form", household="household_id")
def fsl_create(request, household_id):
    user = request.user
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("evictions.manage_case", household):
        raise Http404
    funds = queries.fsl_funds(user)
    form = FslApplicationForm(request.POST or None, funds=funds, initial={"submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.fsl_application_submit(
                actor=user, household_id=household.pk, fund_id=data.pop("fund").pk, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Demande au FSL enregistrée."))
            return redirect("evictions:fsl_detail", application.pk)
    return render(request, "evictions/fsl_create.html", {"form": form, "household": household, "funds": funds})


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.fsl")
def fsl_detail(request, application_id):
    """An application, and the form of what comes next: the decision, then the payment."""
    user = request.user
    application = (
        queries.fsl_applications_visible_to(user).select_related("household", "fund").filter(pk=application_id).first()
    )
    if application is None:
        raise Http404
    read_of(request, household_id=application.household_id, obj=application)
    today = timezone.localdate()
    decision_form = paid_form = None
    if application.decision == "pending":
        decision_form = FslDecisionForm(request.POST or None, initial={"decided_on": today})
        form, perform = (
            decision_form,
            lambda data: services.fsl_application_decide(actor=user, application_id=application.pk, **data),
        )
    elif application.decision == "granted" and not application.paid_on:
        paid_form = FslPaidForm(request.POST or None, initial={"paid_on": today})
        form, perform = (
            paid_form,
            lambda data: services.fsl_application_paid(actor=user, application_id=application.pk, **data),
        )
    else:
        form = perform = None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Cette demande est close."))
            return redirect("evictions:fsl_detail", application.pk)
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Demande mise à jour."))
                return redirect("evictions:fsl_detail", application.pk)
    advance_leases = []
    if user.has_perm("ledger.post") and application.decision != "refused" and not application.paid_on:
        from habiter.ledger.entries import queries as ledger_queries

        advance_leases = list(
            ledger_queries.ledger_leases(user)
            .filter(household_id=application.household_id, status__in=services.OPEN_LEASE_STATUSES)
            .select_related("dwelling")
        )
    return render(
        request,
        "evictions/fsl_detail.html",
        {
            "application": application,
            "decision_form": decision_form,
            "paid_form": paid_form,
            "advances": list(queries.advances_visible_to(user).filter(fsl_application=application)),
            "advance_leases": advance_leases,
        },
    )


# --- legal desk --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def legal_desk(request):
    """The legal-desk sessions the user sees; the casework staff plan a new one."""
    user = request.user
    if not user.has_perm("evictions.legal_desk"):
        raise Http404
    form = None
    if user.has_perm("evictions.run_legal_desk"):
        staff, lawyers = queries.legal_desk_people(user.organisation_id)
        form = LegalSessionForm(
            request.POST or None,
            staff=staff,
            lawyers=lawyers,
            user=user,
            initial={"held_on": timezone.localdate(), "social_worker": user.pk},
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.legal_session_create(
                    actor=user,
                    held_on=data["held_on"],
                    place=data["place"],
                    social_worker_id=data["social_worker"].pk,
                    lawyer_id=data["lawyer"].pk,
                    bar_name=data["bar_name"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Séance de permanence juridique enregistrée."))
                return redirect("evictions:legal_session", session.pk)
    return render(request, "evictions/legal_desk.html", {"sessions": queries.legal_sessions(user), "form": form})


@require_http_methods(["GET", "POST"])
@journaled_list("evictions.legal_session")
def legal_session(request, session_id):
    """A session: the households seen, the advice and follow-up; the staff note a household seen."""
    user = request.user
    try:
        session = queries.legal_session_for_page(user, session_id)
    except LegalDeskSession.DoesNotExist:
        raise Http404 from None
    listed(request, [visit.household_id for visit in session.visits.all()])  # prefetched: their advice is shown
    form = None
    if user.has_perm("evictions.run_legal_desk"):
        form = LegalVisitForm(request.POST or None, households=households_visible_to(user).order_by("name"))
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.legal_visit_add(
                    actor=user,
                    session_id=session.pk,
                    household_id=form.cleaned_data["household"].pk,
                    subject=form.cleaned_data["subject"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Ménage noté pour cette séance."))
                return redirect("evictions:legal_session", session.pk)
    return render(request, "evictions/legal_session.html", {"session": session, "form": form})


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.legal_advice")
def legal_visit(request, visit_id):
    """The advice given to a household and the follow-up actions."""
    user = request.user
    try:
        visit = queries.legal_visit_for_page(user, visit_id)
    except LegalDeskVisit.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=visit.household_id, obj=visit)
    form = LegalAdviceForm(
        request.POST or None,
        initial={
            "advice": visit.advice,
            "follow_up": visit.follow_up,
            "follow_up_done": visit.follow_up_done_on is not None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_visit_update(actor=user, visit_id=visit.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Conseil et suites enregistrés."))
            return redirect("evictions:legal_session", visit.session_id)
    return render(request, "evictions/legal_visit.html", {"visit": visit, "form": form})


# --- the association's advances ----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def advances(request):
    """The advances not yet cleared, with their age."""
    user = request.user
    if not user.has_perm("ledger.post"):
        raise Http404
    today = timezone.localdate()
    outstanding = queries.outstanding_advances(user, today)
    total = sum((a.left for a in outstanding), Decimal("0.00"))
    return render(request, "evictions/advances.html", {"advances": outstanding, "total": total})


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.advance_form")
def advance_create(request, lease_id):
    """Advance rent to the tenant's account while the FSL decides."""
    from habiter.ledger.entries import queries as ledger_queries

    user = request.user
    if not user.has_perm("ledger.post"):
        raise Http404
    lease = ledger_queries.ledger_leases(user).select_related("household", "dwelling").filter(pk=lease_id).first()
    if lease is None:
        raise Http404
    read_of(request, household_id=lease.household_id, obj=lease)
    applications = queries.fsl_applications_awaited(user.organisation_id, lease.household_id)
    initial = {"advanced_on": timezone.localdate()}
    chosen = applications.filter(pk=request.GET.get("application")).first() if request.GET.get("application") else None
    if chosen:
        initial |= {"fsl_application": chosen.pk, "amount": chosen.amount_granted or chosen.amount_asked}
    form = AdvanceForm(request.POST or None, applications=applications, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advance = services.advance_record(
                actor=user,
                lease_id=lease.pk,
                amount=data["amount"],
                advanced_on=data["advanced_on"],
                fsl_application_id=data["fsl_application"].pk if data["fsl_application"] else None,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Avance enregistrée au compte du locataire."))
            return redirect("evictions:advance_detail", advance.pk)
    return render(request, "evictions/advance_create.html", {"form": form, "lease": lease})


@require_http_methods(["GET", "POST"])
@journaled_read("evictions.advance")
def advance_detail(request, advance_id):
    """An advance, its ledger entries, and the form that clears it."""
    user = request.user
    try:
        advance = queries.advance_for_page(user, advance_id)
    except Advance.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=advance.household_id, obj=advance)
    form = None
    if not advance.settled_on:
        form = AdvanceSettleForm(
            request.POST or None,
            applications=queries.fsl_applications_granted(user.organisation_id, advance.household_id),
            initial={"settled_on": timezone.localdate(), "settled_by": "fsl" if advance.fsl_application_id else ""},
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Cette avance est déjà soldée."))
            return redirect("evictions:advance_detail", advance.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                repaid = services.advance_repay(
                    actor=user,
                    advance_id=advance.pk,
                    source=data["settled_by"],
                    received_on=data["settled_on"],
                    amount=data["amount"],
                    fsl_application_id=data["fsl_application"].pk if data["fsl_application"] else None,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Avance soldée.") if repaid.settled_on else _("Remboursement enregistré."))
                return redirect("evictions:advance_detail", advance.pk)
    return render(
        request,
        "evictions/advance_detail.html",
        {"advance": advance, "form": form, "age": (timezone.localdate() - advance.advanced_on).days},
    )


# --- statistics --------------------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def statistics(request):
    """The director's figures over a period (by default, the current year)."""
    user = request.user
    if not user.has_perm("evictions.view_statistics"):
        raise Http404
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
    stats = None
    if form.is_valid():
        stats = queries.case_statistics(user, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(request, "evictions/statistics.html", {"form": form, "stats": stats})
