"""Pages of `community`: thin views over queries.py and services.py."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_list, listed

from . import council_followup, queries, rules, services
from .agenda_link_views import proposal_link_context, proposal_link_qr
from .cvs import cvs_page
from .forms import (
    ActionForm,
    AnswerSheetForm,
    AttendanceForm,
    AxisForm,
    CampaignForm,
    CandidacyForm,
    CouncilForm,
    DecisionForm,
    ElectionForm,
    InPostSinceForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    ObjectiveForm,
    ProjectForm,
    ProposalForm,
    ResultsForm,
)
from .invitation_views import invitations_context
from .models import ElectionCollege, ElectionStatus, Presence
from .objective_views import link_context


def _manageable(user, council):
    """404 unless the user manages this council (a director, or the host of its residence)."""
    if not queries.can_manage(user, council):
        raise Http404


def _households(*people) -> list:
    return [p.household_id for p in people if p is not None]


@require_GET
def council_list(request):
    user = request.user
    require_perm(user, "community.view_council")
    return render(
        request,
        "community/council_list.html",
        {"councils": list(queries.council_list(user)), "can_create": user.has_perm("community.create_council")},
    )


@require_http_methods(["GET", "POST"])
def council_create(request):
    user = request.user
    require_perm(user, "community.create_council")
    form = CouncilForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        residence = data.pop("residence")
        try:
            council = services.council_create(actor=user, data=data, residence_id=residence and residence.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Instance « %(name)s » créée.") % {"name": council.name})
            return redirect("community:council_detail", council_id=council.pk)
    return render(request, "community/council_form.html", {"form": form})


@require_GET
@journaled_list("community.council")
def council_detail(request, council_id):
    user = request.user
    council = get_or_404(queries.council_for_page, user, council_id)
    today = timezone.localdate()
    members = list(council.members.all())
    listed(request, _households(*(m.person for m in members)))
    return render(
        request,
        "community/council_detail.html",
        {
            "council": council,
            "members": [{"member": m, "active": rules.term_active(m.term_start, m.term_end, today)} for m in members],
            "meetings": list(council.meetings.all()),
            "elections": list(council.elections.all()),
            "alerts": queries.council_alerts(council, today),
            "rhythm": council_followup.rhythm_check(council, today),
            "rhythm_allowed": rules.rhythm_allowed(council.legal_basis),
            "concertation": queries.concertation_check(council, today),
            "comite": queries.comite_check(council, today),
            "cvs": cvs_page(council, today),
            "l633_off": queries.l633_checks_off(council),
            "actions": queries.open_actions(council, today),
            "can_manage": queries.can_manage(user, council),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def member_add(request, council_id):
    user = request.user
    council = get_or_404(queries.council_for_page, user, council_id)
    _manageable(user, council)
    form = MemberForm(request.POST or None, user=user, council=council, initial={"term_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_add(
                actor=user,
                council_id=council.pk,
                role=data["role"],
                term_start=data["term_start"],
                term_end=data["term_end"],
                user_id=data["user"] and data["user"].pk,
                person_id=data["person"] and data["person"].pk,
                name=data["name"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s est membre de l'instance.") % {"name": member.display_name})
            return redirect("community:council_detail", council_id=council.pk)
    return render(request, "community/member_form.html", {"form": form, "council": council})


@require_http_methods(["GET", "POST"])
def meeting_create(request, council_id):
    user = request.user
    council = get_or_404(queries.council_for_page, user, council_id)
    _manageable(user, council)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=user, council_id=council.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Réunion planifiée."))
            return redirect("community:meeting_detail", meeting_id=meeting.pk)
    return render(request, "community/meeting_form.html", {"form": form, "council": council})


MEETING_STEPS = ("propose", "attendance", "decision", "action", "action_done")
MANAGER_STEPS = ("decision", "action", "action_done")


def _meeting_forms(user, meeting, members, residents, posted, data):
    presences = {a.member_id: a.presence for a in meeting.attendances.all() if a.member_id}
    came = [a.person_id for a in meeting.attendances.all() if a.person_id and a.presence == Presence.PRESENT]
    apologies = [a.person_id for a in meeting.attendances.all() if a.person_id and a.presence == Presence.EXCUSED]

    def bound(step):
        return data if step == posted else None

    return {
        "propose": ProposalForm(bound("propose"), user=user, meeting=meeting, prefix="propose"),
        "attendance": AttendanceForm(
            bound("attendance"),
            members=members,
            initial_presences=presences,
            residents=residents,
            initial_residents=came,
            initial_excused=apologies,
            prefix="attendance",
        ),
        "decision": DecisionForm(bound("decision"), prefix="decision"),
        "action": ActionForm(bound("action"), prefix="action"),
    }


def _save_meeting_step(user, step, meeting, form, request):
    data = form.cleaned_data if form is not None else {}
    if step == "propose":
        services.agenda_item_propose(
            actor=user,
            meeting_id=meeting.pk,
            title=data["title"],
            detail=data["detail"],
            member_id=data["member"] and data["member"].pk,
            person_id=data["person"] and data["person"].pk,
            proposer_name=data["proposer_name"],
        )
        return _("Sujet ajouté à l'ordre du jour.")
    if step == "attendance":
        residents = form.residents()
        members, present = services.attendance_record(
            actor=user, meeting_id=meeting.pk, presences=form.presences(), residents=residents, excused=form.excused()
        )
        done = ngettext("Présence notée pour %(count)d membre.", "Présences notées pour %(count)d membres.", members)
        done %= {"count": members}
        if residents is None:
            return done
        others = ngettext("%(count)d autre résident présent.", "%(count)d autres résidents présents.", present)
        return f"{done} {others % {'count': present}}"
    if step == "decision":
        services.decision_record(
            actor=user, meeting_id=meeting.pk, text=data["text"], adopts_rules=data["adopts_rules"]
        )
        return (
            _("Décision notée : le règlement intérieur est adopté.") if data["adopts_rules"] else _("Décision notée.")
        )
    if step == "action":
        services.action_add(actor=user, meeting_id=meeting.pk, **data)
        return _("Action à suivre notée.")
    try:
        action_id = uuid.UUID(request.POST.get("action_id", ""))
    except ValueError:
        raise Http404 from None
    if not meeting.actions.filter(pk=action_id).exists():  # an action of this meeting only
        raise Http404
    try:
        services.action_done(actor=user, action_id=action_id, done_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    return _("Action marquée comme faite.")


@require_http_methods(["GET", "POST"])
@journaled_list("community.meeting")
def meeting_detail(request, meeting_id):
    """A meeting: its agenda and the proposals form, attendance, decisions, actions; a POST names its `step`."""
    user = request.user
    meeting = get_or_404(queries.meeting_for_page, user, meeting_id)
    council = meeting.council
    can_manage = queries.can_manage(user, council)
    today = timezone.localdate()
    members = [m for m in council.members.select_related("user", "person").order_by("role", "id")]
    members = [
        m for m in members if rules.term_active(m.term_start, m.term_end, timezone.localtime(meeting.starts_at).date())
    ]
    residents = [] if meeting.minutes_closed_at is not None else queries.attendance_residents(meeting)
    posted = request.POST.get("step") if request.method == "POST" else None
    if posted is not None and (posted not in MEETING_STEPS or (posted in MANAGER_STEPS and not can_manage)):
        raise Http404
    forms = _meeting_forms(user, meeting, members, residents, posted, request.POST if posted else None)
    form = forms.get(posted)
    if posted is not None and (form is None or form.is_valid()):
        try:
            done = _save_meeting_step(user, posted, meeting, form, request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if done:
                messages.success(request, done)
            return redirect("community:meeting_detail", meeting_id=meeting.pk)
    items = list(meeting.agenda_items.all())
    attendances = list(meeting.attendances.all())
    listed(
        request,
        _households(
            *(i.person for i in items), *(m.person for m in members), *(a.person for a in attendances), *residents
        ),
    )
    return render(
        request,
        "community/meeting_detail.html",
        {
            "meeting": meeting,
            "council": council,
            "items": items,
            "attendances": [a for a in attendances if a.member_id],
            "residents_present": [a for a in attendances if a.person_id and a.presence == Presence.PRESENT],
            "residents_excused": [a for a in attendances if a.person_id and a.presence == Presence.EXCUSED],
            "takes_attendance": meeting.minutes_closed_at is None and bool(members or residents),
            "decisions": list(meeting.decisions.all()),
            "actions": [
                {"action": a, "overdue": rules.action_overdue(a.due_on, a.done_on, today)}
                for a in meeting.actions.all()
            ],
            "forms": forms,
            "members": members,
            "closed": meeting.minutes_closed_at is not None,
            "proposals_open": rules.proposals_open(meeting.proposals_until, today),
            "can_manage": can_manage,
            **invitations_context(user, meeting, members),
            **proposal_link_context(request, meeting, can_manage=can_manage),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request, meeting_id):
    """Write the minutes; closing them asks for a confirmation first (nothing of the meeting changes after)."""
    user = request.user
    meeting = get_or_404(queries.meeting_for_page, user, meeting_id)
    _manageable(user, meeting.council)
    if meeting.minutes_closed_at is not None:
        return redirect("community:meeting_detail", meeting_id=meeting.pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        closing = request.POST.get("action") == "close"
        if closing and not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Clore le compte rendu"),
                    facts=[(_("Réunion"), str(meeting))],
                    consequences=[
                        _("L'ordre du jour, les présences, les décisions et le compte rendu ne changeront plus."),
                        _("Le compte rendu imprimé sera celui qui est affiché et conservé."),
                        _("Les actions à suivre restent suivies jusqu'à ce qu'elles soient faites."),
                    ],
                    action=_("Clore le compte rendu"),
                    cancel_url=reverse("community:meeting_minutes", args=[meeting.pk]),
                ),
            )
        try:
            if closing:
                services.minutes_close(actor=user, meeting_id=meeting.pk, minutes=form.cleaned_data["minutes"])
            else:
                services.minutes_save(actor=user, meeting_id=meeting.pk, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Compte rendu clos.") if closing else _("Compte rendu enregistré."))
            return redirect("community:meeting_detail", meeting_id=meeting.pk)
    return render(request, "community/minutes_form.html", {"form": form, "meeting": meeting})


def _minutes_context(meeting, organisation):
    return {
        "meeting": meeting,
        "council": meeting.council,
        "organisation": organisation,
        "items": list(meeting.agenda_items.all()),
        "attendances": [a for a in meeting.attendances.all() if a.member_id],
        "residents_present": [a for a in meeting.attendances.all() if a.person_id and a.presence == Presence.PRESENT],
        "residents_excused": [a for a in meeting.attendances.all() if a.person_id and a.presence == Presence.EXCUSED],
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.all()),
    }


@require_GET
@journaled_list("community.minutes")
def meeting_minutes_pdf(request, meeting_id):
    user = request.user
    meeting = get_or_404(queries.meeting_for_page, user, meeting_id)
    context = _minutes_context(meeting, user.organisation)
    listed(
        request,
        _households(
            *(i.person for i in context["items"]),
            *(a.member.person for a in context["attendances"]),
            *(a.person for a in context["residents_present"]),
            *(a.person for a in context["residents_excused"]),
        ),
    )
    filename = f"compte-rendu-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
    return pdf_response("community/minutes_pdf.html", context, filename=filename)


@require_GET
def meeting_poster_pdf(request, meeting_id):
    user = request.user
    meeting = get_or_404(queries.meeting_for_page, user, meeting_id)
    context = {
        "meeting": meeting,
        "council": meeting.council,
        "organisation": user.organisation,
        "items": list(meeting.agenda_items.all()),
        "proposals_open": rules.proposals_open(meeting.proposals_until, timezone.localdate()),
    }
    link = proposal_link_context(request, meeting, can_manage=False)["proposal_link"]
    if link and meeting.minutes_closed_at is None:  # the poster line: propose online, without an account
        context |= {"proposal_link": link, "proposal_qr": proposal_link_qr(link)}
    return pdf_response("community/poster_pdf.html", context, filename="affiche-reunion.pdf")


# --- elections -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def election_create(request, council_id):
    user = request.user
    council = get_or_404(queries.council_for_page, user, council_id)
    _manageable(user, council)
    form = ElectionForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            election = services.election_create(actor=user, council_id=council.pk, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Élection « %(title)s » décidée.") % {"title": election.title})
            return redirect("community:election_detail", election_id=election.pk)
    return render(request, "community/election_form.html", {"form": form, "council": council})


def _election_step(request, user, election, step, candidacy_form):
    if step == "freeze":
        count = services.election_roll_freeze(actor=user, election_id=election.pk)
        return ngettext(
            "Liste électorale figée : %(count)d électeur.", "Liste électorale figée : %(count)d électeurs.", count
        ) % {"count": count}
    if step == "candidacy":
        services.candidacy_add(
            actor=user, election_id=election.pk, elector_id=candidacy_form.cleaned_data["elector"].pk
        )
        return _("Candidature enregistrée.")
    services.election_carence_record(actor=user, election_id=election.pk)
    return _("Constat de carence enregistré.")


def _in_post_since_step(request, user, election):
    """The « en poste depuis » of an elector of the professionals' college, typed on the roll (W17); the outcome is
    said in a message above the roll."""
    form = InPostSinceForm(request.POST, election=election)
    if not form.is_valid():
        said = [f"{form[name].label} : {error}" for name, errors in form.errors.items() for error in errors]
        messages.error(request, " ".join(said))
    else:
        elector, since = form.cleaned_data["elector"], form.cleaned_data["in_post_since"]
        try:
            services.elector_in_post_since_set(
                actor=user, election_id=election.pk, elector_id=elector.pk, in_post_since=since
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            said = {"name": elector.name, "date": since.strftime("%d/%m/%Y")}
            messages.success(request, _("%(name)s : en poste depuis le %(date)s.") % said)
    return redirect("community:election_detail", election_id=election.pk)


@require_http_methods(["GET", "POST"])
@journaled_list("community.election")
def election_detail(request, election_id):
    """An election: its roll, candidacies and results; a POST names its `step` (freeze, candidacy, carence, and, for
    the professionals' college, in_post_since: the day an elector took up their post)."""
    user = request.user
    election = get_or_404(queries.election_for_page, user, election_id)
    can_manage = queries.can_manage(user, election.council)
    posted = request.POST.get("step") if request.method == "POST" else None
    if posted is not None and (posted not in ("freeze", "candidacy", "carence", "in_post_since") or not can_manage):
        raise Http404
    if posted == "in_post_since":
        return _in_post_since_step(request, user, election)
    candidacy_form = CandidacyForm(request.POST if posted == "candidacy" else None, election=election)
    if posted == "carence" and not is_confirmed(request):
        listed(request, [])  # the confirmation page names nobody
        return confirmation_page(
            request,
            Confirmation(
                title=_("Constater la carence"),
                facts=[(_("Élection"), election.title)],
                consequences=[
                    _("Personne ne s'est porté candidat : l'élection est close sans élu."),
                    _("Une nouvelle élection devra avoir lieu dans les mois qui suivent (date indiquée ensuite)."),
                ],
                action=_("Constater la carence"),
                cancel_url=reverse("community:election_detail", args=[election.pk]),
            ),
        )
    if posted is not None and (posted != "candidacy" or candidacy_form.is_valid()):
        try:
            done = _election_step(request, user, election, posted, candidacy_form)
        except ValidationError as error:
            if posted == "candidacy":
                apply_validation_error(candidacy_form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("community:election_detail", election_id=election.pk)
        else:
            messages.success(request, done)
            return redirect("community:election_detail", election_id=election.pk)
    electors = list(election.electors.all())
    candidacies = list(election.candidacies.all())
    listed(request, _households(*(e.person for e in electors if e.person_id)))
    today = timezone.localdate()
    professionals = election.college == ElectionCollege.PROFESSIONALS
    standing = {c.elector_id for c in candidacies}
    return render(
        request,
        "community/election_detail.html",
        {
            "election": election,
            "council": election.council,
            "electors": electors,
            "professionals": professionals,
            # the electors whose « en poste depuis » may still be typed: not yet candidates (W17)
            "in_post_editable": {e.pk for e in electors if e.pk not in standing} if professionals else set(),
            "in_post_unknown": sum(1 for e in electors if e.in_post_since is None) if professionals else 0,
            "candidacies": candidacies,
            "candidacy_form": candidacy_form,
            "can_manage": can_manage,
            "is_open": election.status == ElectionStatus.OPEN,
            "candidacies_open": rules.candidacies_open(election.candidacy_deadline, today),
            "roll_can_freeze": today >= election.roll_date,
            "vote_passed": today >= election.vote_on,
            "expressed": (election.voters or 0) - (election.blank_ballots or 0) - (election.null_ballots or 0),
        },
    )


@require_http_methods(["GET", "POST"])
def election_results(request, election_id):
    """The count of the ballot, recorded after a confirmation page (the results are proclaimed and final)."""
    user = request.user
    election = get_or_404(queries.election_for_page, user, election_id)
    _manageable(user, election.council)
    if election.status != ElectionStatus.OPEN:
        return redirect("community:election_detail", election_id=election.pk)
    candidacies = list(election.candidacies.all())
    form = ResultsForm(request.POST or None, candidacies=candidacies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = {
            "voters": data["voters"],
            "blank": data["blank"],
            "null": data["null"],
            "votes": form.votes(),
            "drawn_id": data["drawn"] or None,
        }
        try:
            services.election_results_record(
                actor=user, election_id=election.pk, check_only=not is_confirmed(request), **count
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return render(
                request,
                "community/election_results.html",
                {"form": form, "election": election, "registered": election.electors.count()},
            )
        if not is_confirmed(request):
            facts = [
                (_("Votants"), str(data["voters"])),
                (_("Blancs"), str(data["blank"])),
                (_("Nuls"), str(data["null"])),
            ]
            facts += [(c.elector.name, str(form.votes()[str(c.pk)])) for c in candidacies]
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Proclamer les résultats"),
                    facts=facts,
                    consequences=[
                        _("Les résultats sont définitifs : ils ne se modifient plus."),
                        _("Les élus deviennent membres de l'instance pour la durée du mandat."),
                    ],
                    action=_("Proclamer les résultats"),
                    cancel_url=reverse("community:election_results", args=[election.pk]),
                ),
            )
        messages.success(request, _("Résultats proclamés."))
        return redirect("community:election_detail", election_id=election.pk)
    return render(
        request,
        "community/election_results.html",
        {"form": form, "election": election, "registered": election.electors.count()},
    )


@require_GET
@journaled_list("community.election_pdf")
def election_pdf(request, election_id):
    user = request.user
    election = get_or_404(queries.election_for_page, user, election_id)
    candidacies = list(election.candidacies.all())
    listed(request, _households(*(c.elector.person for c in candidacies if c.elector.person_id)))
    context = {
        "election": election,
        "council": election.council,
        "organisation": user.organisation,
        "professionals": election.college == ElectionCollege.PROFESSIONALS,
        "candidacies": sorted(candidacies, key=lambda c: -(c.votes or 0)),
        "registered": len(election.electors.all()),
        "expressed": (election.voters or 0) - (election.blank_ballots or 0) - (election.null_ballots or 0),
    }
    return pdf_response("community/election_pdf.html", context, filename="proces-verbal-election.pdf")


# --- the association's project and the grading of its objectives -------------------------------------------------

BAR_WIDTH = 1000  # the units of a result bar's viewBox: integer positions, no float


def _bar(result) -> dict | None:
    """The three segments of a result bar (achieved, shared, not achieved) in viewBox units, and its text."""
    total = result.total
    if total == 0:
        return None
    first = BAR_WIDTH * result.achieved // total
    second = BAR_WIDTH * (result.achieved + result.shared) // total
    return {
        "achieved": first,
        "shared_x": first,
        "shared": second - first,
        "not_x": second,
        "not_achieved": BAR_WIDTH - second,
        "label": _("%(a)s %% atteint, %(s)s %% partagé, %(n)s %% non atteint")
        % {"a": result.achieved_percent, "s": result.shared_percent, "n": result.not_achieved_percent},
    }


def _manager(user):
    require_perm(user, "community.manage_objectives")


@require_GET
def project_list(request):
    user = request.user
    require_perm(user, "community.view_objectives")
    return render(
        request,
        "community/project_list.html",
        {"projects": queries.project_list(user), "can_manage": user.has_perm("community.manage_objectives")},
    )


@require_http_methods(["GET", "POST"])
def project_create(request):
    user = request.user
    _manager(user)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Projet « %(title)s » créé.") % {"title": project.title})
            return redirect("community:project_detail", project_id=project.pk)
    return render(
        request,
        "community/objective_form.html",
        {"form": form, "title": _("Nouveau projet associatif"), "cancel_url": reverse("community:project_list")},
    )


@require_GET
def project_detail(request, project_id):
    """The project: its axes and objectives, its campaigns and the comparison of their grades per objective."""
    user = request.user
    project = get_or_404(queries.project_for_page, user, project_id)
    comparison = queries.project_comparison(project)
    for row in comparison:
        row["campaigns"] = [(c, result, _bar(result)) for c, result in row["campaigns"]]
    return render(
        request,
        "community/project_detail.html",
        {
            "project": project,
            "axes": list(project.axes.all()),
            "objectives": list(project.objectives.all()),
            "campaigns": list(project.campaigns.all()),
            "comparison": comparison,
            "can_manage": user.has_perm("community.manage_objectives"),
        },
    )


def _project_form_page(request, project_id, form_class, title, save):
    user = request.user
    project = get_or_404(queries.project_for_page, user, project_id)
    _manager(user)
    kwargs = {"project": project} if form_class is ObjectiveForm else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            message = save(user, project, form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect("community:project_detail", project_id=project.pk)
    cancel_url = reverse("community:project_detail", args=[project.pk])
    return render(
        request,
        "community/objective_form.html",
        {"form": form, "title": title, "project": project, "cancel_url": cancel_url},
    )


@require_http_methods(["GET", "POST"])
def axis_add(request, project_id):
    def save(user, project, data):
        services.axis_add(actor=user, project_id=project.pk, title=data["title"])
        return _("Axe ajouté.")

    return _project_form_page(request, project_id, AxisForm, _("Nouvel axe"), save)


@require_http_methods(["GET", "POST"])
def objective_add(request, project_id):
    def save(user, project, data):
        axis = data["axis"]
        services.objective_add(
            actor=user,
            project_id=project.pk,
            title=data["title"],
            description=data["description"],
            axis_id=axis.pk if axis else None,
        )
        return _("Objectif stratégique ajouté.")

    return _project_form_page(request, project_id, ObjectiveForm, _("Nouvel objectif stratégique"), save)


@require_http_methods(["GET", "POST"])
def campaign_create(request, project_id):
    created = {}

    def save(user, project, data):
        created["campaign"] = services.campaign_create(actor=user, project_id=project.pk, **data)
        return _("Campagne de cotation ouverte.")

    response = _project_form_page(request, project_id, CampaignForm, _("Nouvelle campagne de cotation"), save)
    if "campaign" in created:
        return redirect("community:campaign_detail", campaign_id=created["campaign"].pk)
    return response


@require_GET
def campaign_detail(request, campaign_id):
    """A campaign's results: per objective, the counts, their shares over everyone who answered, and the grade."""
    user = request.user
    campaign = get_or_404(queries.campaign_for_page, user, campaign_id)
    rows = [(objective, result, _bar(result)) for objective, result in queries.campaign_results(campaign)]
    is_director = user.has_perm("community.manage_objectives")
    return render(
        request,
        "community/campaign_detail.html",
        {
            "campaign": campaign,
            "project": campaign.project,
            "rows": rows,
            "can_answer": campaign.is_open and user.has_perm("community.answer_objectives"),
            "can_manage": campaign.is_open and is_director,
            "show_link": is_director,  # the answering link is the director's to send (objective_views)
        }
        | link_context(request, campaign, director=is_director),
    )


@require_http_methods(["GET", "POST"])
def answer_record(request, campaign_id):
    """One participant's answers to every objective, typed by a staff member (during the meeting, or from a paper
    sheet); the form comes back empty for the next participant."""
    user = request.user
    require_perm(user, "community.answer_objectives")
    campaign = get_or_404(queries.campaign_for_page, user, campaign_id)
    if not campaign.is_open:
        return redirect("community:campaign_detail", campaign_id=campaign.pk)
    objectives = list(campaign.project.objectives.all())
    form = AnswerSheetForm(request.POST or None, campaign=campaign, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.answers_record(
                actor=user,
                campaign_id=campaign.pk,
                category=form.cleaned_data["category"],
                participant_name=form.cleaned_data.get("participant_name", ""),
                values=form.values(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Réponses enregistrées. Vous pouvez saisir celles du participant suivant."))
            return redirect("community:answer_record", campaign_id=campaign.pk)
    return render(
        request,
        "community/answer_form.html",
        {"form": form, "campaign": campaign, "participants": queries.sheet_count(campaign)},
    )


@require_http_methods(["GET", "POST"])
def campaign_close(request, campaign_id):
    """Close a campaign after a confirmation page: its grades are final."""
    user = request.user
    _manager(user)
    campaign = get_or_404(queries.campaign_for_page, user, campaign_id)
    if not campaign.is_open:
        return redirect("community:campaign_detail", campaign_id=campaign.pk)
    participants = queries.sheet_count(campaign)
    if request.method == "POST":
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Clore la campagne de cotation"),
                    facts=[(_("Campagne"), str(campaign)), (_("Participants"), str(participants))],
                    consequences=[
                        _("Plus aucune réponse ne pourra être saisie : les cotes affichées sont définitives."),
                        _("Les objectifs du projet ne pourront plus être complétés."),
                    ],
                    action=_("Clore la campagne"),
                    cancel_url=reverse("community:campaign_detail", args=[campaign.pk]),
                ),
            )
        try:
            services.campaign_close(actor=user, campaign_id=campaign.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Campagne close."))
        return redirect("community:campaign_detail", campaign_id=campaign.pk)
    return render(request, "community/campaign_close.html", {"campaign": campaign, "participants": participants})
