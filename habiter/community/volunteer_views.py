"""Pages of the volunteers, their charter and hours: thin views over volunteers.py (docs/adr/0029)."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook
from openpyxl.styles import Font

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error, offer_partner_names
from habiter.core.pages import get_or_404, require_perm

from . import rules
from . import volunteers as services
from .forms import CharterForm, HoursForm, MissionForm, VolunteerForm

# the profile, then the mécénat de compétences' fields apart, folded away while the engagement is bénévolat
VOLUNTEER_FORM = "community/volunteer_form.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("annee", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def volunteer_url(volunteer_id) -> str:
    return reverse("community:volunteer_detail", args=[volunteer_id])


@require_GET
def volunteer_list(request):
    """The volunteers the user may open (all for a director, theirs for a referent), with the year's hours and
    whether they signed the charter in force."""
    user = request.user
    require_perm(user, "community.view_volunteers")
    year = _year(request)
    today = timezone.localdate()
    charter = services.current_charter(user.organisation_id, today)
    can_manage = user.has_perm("community.manage_volunteers")
    return render(
        request,
        "community/volunteer_list.html",
        {
            "volunteers": services.volunteer_list(user, year),
            "year": year,
            "charter": charter,
            # none in force yet, one published for a day to come: the volunteers are held until then
            "coming": services.next_charter(user.organisation_id, today) if charter is None and can_manage else None,
            "can_manage": can_manage,
        },
    )


def _form_page(request, form, title, cancel_url, save, template="community/partner_form.html"):
    if request.method == "POST" and form.is_valid():
        try:
            target, message = save(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(target)
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


def _referent_id(data):
    referent = data.pop("referent", None)
    return referent.pk if referent else None


@require_http_methods(["GET", "POST"])
def volunteer_create(request):
    user = request.user
    require_perm(user, "community.manage_volunteers")

    def save(data):
        account = data.pop("user")
        volunteer = services.volunteer_create(actor=user, user_id=account.pk, referent_id=_referent_id(data), data=data)
        return volunteer_url(volunteer.pk), _("Fiche de %(name)s créée.") % {"name": volunteer}

    form = VolunteerForm(
        request.POST or None,
        accounts=services.volunteer_accounts_without_profile(user),
        referents=services.referent_choices(user),
    )
    offer_partner_names(form, "employer_name", user)
    return _form_page(request, form, _("Nouveau bénévole"), reverse("community:volunteer_list"), save, VOLUNTEER_FORM)


@require_http_methods(["GET", "POST"])
def volunteer_edit(request, volunteer_id):
    user = request.user
    volunteer = get_or_404(services.volunteer_for_page, user, volunteer_id)
    require_perm(user, "community.manage_volunteers")

    def save(data):
        services.volunteer_update(actor=user, volunteer_id=volunteer.pk, referent_id=_referent_id(data), data=data)
        return volunteer_url(volunteer.pk), _("Fiche modifiée.")

    initial = {f: getattr(volunteer, f) for f in services.PROFILE_FIELDS} | {
        "referent": volunteer.referent_id,
        "engagement": volunteer.engagement,
        "employer_name": volunteer.employer.name if volunteer.employer_id else "",
    }
    form = VolunteerForm(request.POST or None, initial=initial, referents=services.referent_choices(user))
    offer_partner_names(form, "employer_name", user)
    title = _("Modifier la fiche de %(name)s") % {"name": volunteer}
    return _form_page(request, form, title, volunteer_url(volunteer.pk), save, VOLUNTEER_FORM)


@require_http_methods(["GET", "POST"])
def mission_add(request, volunteer_id):
    user = request.user
    volunteer = get_or_404(services.volunteer_for_page, user, volunteer_id)
    require_perm(user, "community.manage_volunteers")

    def save(data):
        mission = services.mission_add(actor=user, volunteer_id=volunteer.pk, data=data)
        return volunteer_url(volunteer.pk), _("Mission « %(title)s » confiée.") % {"title": mission.title}

    form = MissionForm(request.POST or None)
    title = _("Nouvelle mission de %(name)s") % {"name": volunteer}
    return _form_page(request, form, title, volunteer_url(volunteer.pk), save)


def _log_hours(request, form):
    """Validate and save the hours form; True when saved."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.hours_log(
            actor=request.user,
            mission_id=data["mission"].pk,
            worked_on=data["worked_on"],
            hours=data["hours"],
            note=data["note"],
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        apply_validation_error(form, error)
        return False
    messages.success(request, _("Heures enregistrées."))
    return True


@require_http_methods(["GET", "POST"])
def volunteer_detail(request, volunteer_id):
    """A volunteer's profile, missions, the year's hours and total, and their signatures of the charter; their
    referent and the directors log hours here."""
    user = request.user
    volunteer = get_or_404(services.volunteer_for_page, user, volunteer_id)
    may_log = services.may_log_hours(user, volunteer)
    form = None
    if may_log:
        missions = services.open_missions(volunteer, timezone.localdate())
        form = HoursForm(request.POST or None, missions=missions, initial={"worked_on": timezone.localdate()})
    if request.method == "POST":
        if form is None:
            raise Http404
        if _log_hours(request, form):
            return redirect(volunteer_url(volunteer.pk))
    year = _year(request)
    return render(
        request,
        "community/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "year": year,
            "data": services.volunteer_year(volunteer, year),
            "form": form,
            "charter": services.current_charter(user.organisation_id, timezone.localdate()),
            "can_manage": user.has_perm("community.manage_volunteers"),
            "today": timezone.localdate(),
            "insurance_status": rules.insurance_status(volunteer.insured_until, timezone.localdate()),
        },
    )


@require_http_methods(["GET", "POST"])
def my_volunteering(request):
    """A volunteer's own page: their missions, hours and yearly total, the council meetings they are invited to, and
    the form to log their hours. Nothing else of the association."""
    user = request.user
    require_perm(user, "community.own_volunteering")
    volunteer = services.own_volunteer(user)
    today = timezone.localdate()
    form = None
    if volunteer is not None:
        form = HoursForm(
            request.POST or None, missions=services.open_missions(volunteer, today), initial={"worked_on": today}
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if _log_hours(request, form):
            return redirect("community:my_volunteering")
    year = _year(request)
    return render(
        request,
        "community/my_volunteering.html",
        {
            "volunteer": volunteer,
            "year": year,
            "data": services.volunteer_year(volunteer, year) if volunteer else None,
            "form": form,
            "meetings": services.invited_meetings(user, today),
        },
    )


# --- the charter ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def charter_sign(request):
    """The charter in force, with its sign button, for a volunteer: the only page they reach until they sign. While
    their association has published no charter in force, the page says so and to ask their referent: they are held
    here all the same (W23)."""
    user = request.user
    require_perm(user, "community.own_volunteering")
    if request.method == "POST":
        try:
            services.charter_sign(actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("community:charter_sign")
        messages.success(request, _("Merci : la charte est signée."))
        return redirect("community:my_volunteering")
    today = timezone.localdate()
    charter = services.current_charter(user.organisation_id, today)
    if charter is None:  # held all the same: the page says why and whom to ask
        profile = services.own_volunteer(user)
        context = {
            "charter": None,
            "coming": services.next_charter(user.organisation_id, today),
            "referent": profile.referent if profile is not None else None,
        }
        return render(request, "community/charter_sign.html", context)
    signed = not services.charter_holds(user)
    return render(request, "community/charter_sign.html", {"charter": charter, "signed": signed})


@require_GET
def charter_list(request):
    """The charter's versions and how many volunteers signed each, for the directors."""
    user = request.user
    require_perm(user, "community.manage_volunteers")
    versions = services.charter_versions(user)
    current = services.current_charter(user.organisation_id, timezone.localdate())
    return render(request, "community/charter_list.html", {"versions": versions, "current": current})


@require_http_methods(["GET", "POST"])
def charter_create(request):
    """Publish a new version of the charter, after a confirmation page: from its day every volunteer must sign it
    again before using Habiter."""
    user = request.user
    require_perm(user, "community.manage_volunteers")
    current = services.current_charter(user.organisation_id, timezone.localdate())
    initial = {"text": current.text if current else services.default_charter_text(), "published_on": None}
    form = CharterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Publier une nouvelle version de la charte"),
                    facts=[(_("En vigueur le"), data["published_on"].strftime("%d/%m/%Y"))],
                    consequences=[
                        _(
                            "À partir de ce jour, chaque bénévole devra signer cette version avant de pouvoir "
                            "utiliser Habiter."
                        ),
                        _("Une version publiée ne se modifie plus : une correction sera une nouvelle version."),
                    ],
                    action=_("Publier la charte"),
                    cancel_url=reverse("community:charter_list"),
                ),
            )
        try:
            version = services.charter_publish(actor=user, published_on=data["published_on"], text=data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Version %(number)s de la charte publiée.") % {"number": version.number})
            return redirect("community:charter_list")
    return render(
        request,
        "community/partner_form.html",
        {"form": form, "title": _("Nouvelle version de la charte"), "cancel_url": reverse("community:charter_list")},
    )


# --- exports (W27, W28) --------------------------------------------------------------------------------------------


def _workbook(title: str, heading: list, columns: list, rows: list, footer: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for line in heading:
        sheet.append([line])
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in [*rows, *footer]:  # names typed by users never become formulas
        sheet.append([f"'{v}" if isinstance(v, str) and v.startswith("=") else v for v in row])
    sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def valuation_export(request):
    """The valuation of volunteering for the year's accounts (contributions volontaires en nature, W28)."""
    user = request.user
    require_perm(user, "community.manage_volunteers")
    year = _year(request)
    rows, total_hours, total_value = services.valuation_rows(user, year)
    sponsored = services.sponsorship_year(user, year)
    footer = [[_("Total"), "", total_hours, "", total_value]]
    if sponsored.rows:
        # staff made available by their employer: paid working time, not volunteering (W29), valued at its cost
        footer += [
            [],
            [
                _("Mécénat de compétences — personnel mis à disposition par son employeur, exercice %(year)s")
                % {"year": year}
            ],
            [_("Méthode : heures × coût horaire (salaire et charges) communiqué par l'employeur.")],
            [_("Personne"), _("Employeur"), _("Heures"), _("Coût horaire (€)"), _("Valorisation (€)")],
            *(
                [name, employer, hours, cost if cost is not None else _("coût à demander à l'employeur"), value]
                for name, employer, hours, cost, value in sponsored.rows
            ),
            [_("Total mécénat de compétences"), "", sponsored.hours, "", sponsored.value],
        ]
    content = _workbook(
        _("Valorisation %(year)s") % {"year": year},
        [
            _("Contributions volontaires en nature — bénévolat, exercice %(year)s (compte 864)") % {"year": year},
            _(
                "Méthode : heures × taux horaire en vigueur le jour des heures (SMIC horaire brut, paramètre "
                "« %(key)s »)."
            )
            % {"key": rules.VALUATION_RATE_KEY},
        ],
        [_("Bénévole"), _("Type de mission"), _("Heures"), _("Taux horaire (€)"), _("Valorisation (€)")],
        rows,
        footer,
    )
    return _xlsx(content, f"valorisation-benevolat-{year}.xlsx")


@require_GET
def cec_export(request):
    """The volunteers' governance and supervision hours of the year, their sum and its compte d'engagement citoyen
    status (W27), with the thresholds and the deadlines, for the association's CEC validator."""
    user = request.user
    require_perm(user, "community.manage_volunteers")
    year = _year(request)
    rows, reference = services.cec_rows(user, year)
    labels = {
        rules.CEC_ELIGIBLE: _("Éligible"),
        rules.CEC_IF_OTHER_HOURS: _("Éligible si ses heures dans d'autres associations complètent le seuil"),
        rules.CEC_NOT_ELIGIBLE: _("Non éligible"),
    }
    content = _workbook(
        _("CEC %(year)s") % {"year": year},
        [
            _("Compte d'engagement citoyen — heures de direction ou d'encadrement bénévole, année %(year)s")
            % {"year": year},
            _(
                "Seuils : %(total)s h dans l'année, dont %(here)s h au moins dans une même association ; "
                "association déclarée depuis 3 ans au moins et d'intérêt général (CGI art. 200)."
            )
            % {"total": reference.min_hours, "here": reference.min_hours_here},
            _("Déclaration par le bénévole avant le %(declare)s ; validation par l'association avant le %(validate)s.")
            % {
                "declare": reference.declare_by.strftime("%d/%m/%Y"),
                "validate": reference.validate_by.strftime("%d/%m/%Y"),
            },
        ],
        [
            _("Bénévole"),
            _("Heures de gouvernance (conseil d'administration, bureau)"),
            _("Heures d'encadrement de bénévoles"),
            _("Total des heures retenues pour le CEC"),
            _("Éligibilité"),
        ],
        [[name, led, supervised, hours, str(labels[status])] for name, led, supervised, hours, status in rows],
        [],
    )
    return _xlsx(content, f"cec-{year}.xlsx")
