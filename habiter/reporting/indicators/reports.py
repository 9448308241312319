"""The reports: the association's activity report, and the funders' profiles that choose variants of the same
indicators (W39), never copies of their queries."""

from django.utils.translation import gettext_lazy

from habiter.leases.models import LeaseKind
from habiter.residences.models import ResidenceKind
from habiter.support.models import OutcomeCategory, Scheme

from .base import REPORTS, Report, Use

REPORTS["activity"] = Report(
    code="activity",
    title=gettext_lazy("Rapport d'activité de l'association"),
    description=gettext_lazy(
        "Les tableaux du rapport d'activité annuel : ménages et personnes par dispositif, mesures, temps "
        "d'accompagnement, accueil, ateliers, prévention des expulsions, demandes au FSL et avances de loyer, "
        "impayés de loyer en fin de période, baux, logements captés et gérés, captation de logements et panorama "
        "des problématiques par année."
    ),
    indicators=(
        "households_accompanied",
        "households_entered",
        "measures_flow",
        "measure_outcomes",
        "intervention_minutes",
        "desk_visits",
        "workshop_attendance",
        "prevention_outcomes",
        "fsl_applications",
        "fsl_advances",
        "rent_arrears",
        "leases_flow",
        "iml_dwellings",
        "captation_funnel",
        "captation_drops",
        "concerns_panorama",
    ),
)


# --- funder reports: profiles that choose variants of the same indicators (W39) ------------------------------

C = OutcomeCategory
HOUSED = (C.HOUSED_SOCIAL, C.HOUSED_PRIVATE, C.HOUSED_SUPPORTED, C.HOUSED)


def funder_uses(scheme: str, groups: tuple) -> tuple[Use, ...]:
    """The tables of a funder's report on one scheme: households at entry, present and at exit, measures,
    durations and outcomes at exit in the funder's categories; the same indicators as the activity report."""
    only = {"schemes": (scheme,)}
    return (
        Use("households_entered", scheme, only),
        Use("households_accompanied", scheme, only),
        Use("households_exited", scheme, only),
        Use("measures_flow", scheme, only),
        Use("measure_durations", scheme, only),
        Use("outcomes_by_category", scheme, only | {"groups": groups}),
    )


# AVDL (R81, W35): outcome at exit « relogement, maintien, orientation »; the diagnostic may end the measure.
AVDL_GROUPS = (
    (gettext_lazy("Relogement (accès au logement, glissement du bail)"), (*HOUSED, C.LEASE_SLID)),
    (gettext_lazy("Maintien dans le logement"), (C.MAINTAINED,)),
    (gettext_lazy("Orientation"), (C.ORIENTED,)),
    (gettext_lazy("Fin après le diagnostic"), (C.AFTER_DIAGNOSIS,)),
)
# ASLL (R80): measures « nécessaires à l'installation ou au maintien dans un logement ».
ASLL_GROUPS = (
    (gettext_lazy("Installation dans un logement"), (*HOUSED, C.LEASE_SLID)),
    (gettext_lazy("Maintien dans le logement"), (C.MAINTAINED,)),
    (gettext_lazy("Orientation vers un autre accompagnement"), (C.ORIENTED,)),
    (gettext_lazy("Interruption (refus, perte de contact)"), (C.REFUSED, C.LOST_CONTACT)),
)
# IML (W36): glissements and exit destinations.
IML_GROUPS = (
    (gettext_lazy("Glissement du bail"), (C.LEASE_SLID,)),
    (gettext_lazy("Relogement dans le parc social"), (C.HOUSED_SOCIAL,)),
    (gettext_lazy("Relogement dans le parc privé"), (C.HOUSED_PRIVATE,)),
    (gettext_lazy("Résidence sociale ou pension de famille"), (C.HOUSED_SUPPORTED,)),
    (gettext_lazy("Logement, type non précisé"), (C.HOUSED,)),
    (gettext_lazy("Orientation"), (C.ORIENTED,)),
    (
        gettext_lazy("Rupture (expulsion, rue ou hébergement, perte de contact)"),
        (C.EVICTED, C.STREET_OR_HOSTED, C.LOST_CONTACT),
    ),
)

REPORTS["avdl"] = Report(
    code="avdl",
    title=gettext_lazy("Rapport AVDL — accompagnement vers et dans le logement"),
    description=gettext_lazy(
        "Les mesures des dispositifs de type AVDL : ménages entrés, accompagnés et sortis, mesures, durées et "
        "issue à la sortie, situation un an après la fin de la mesure."
    ),
    # W35: the State follows the share in rent arrears a year after the end of the AVDL (optional follow-up).
    indicators=(
        *funder_uses(Scheme.AVDL, AVDL_GROUPS),
        Use("follow_up_situations", "avdl", {"schemes": (Scheme.AVDL,)}),
    ),
    funder=gettext_lazy("État (DDETS) et bailleurs sociaux, par le FNAVDL"),
    categories=gettext_lazy(
        "Issues à la sortie : relogement, maintien dans le logement, orientation ; fin après le diagnostic."
    ),
)
# ASLL (R80) and the FSL's aids (R45): the Département's fund finances both, so its report adds the applications to
# the FSL and the association's advances while it decides, the activity report's own tables (every household in
# reach, not only those of an ASLL measure: an FSL aid asks for no measure).
REPORTS["asll"] = Report(
    code="asll",
    title=gettext_lazy("Rapport ASLL — accompagnement social lié au logement (FSL)"),
    description=gettext_lazy(
        "Les mesures des dispositifs de type ASLL financées par le fonds de solidarité pour le logement : "
        "ménages entrés, accompagnés et sortis, mesures, durées et issue à la sortie ; les demandes d'aide au FSL "
        "par objet et décision et les avances de loyer de l'association en attendant le FSL."
    ),
    indicators=(*funder_uses(Scheme.ASLL, ASLL_GROUPS), Use("fsl_applications"), Use("fsl_advances")),
    funder=gettext_lazy("Département (FSL)"),
    categories=gettext_lazy(
        "Issues à la sortie : installation dans un logement, maintien dans le logement, orientation, interruption. "
        "Demandes au FSL et avances de loyer : tous les ménages, avec ou sans mesure ASLL."
    ),
)
REPORTS["iml"] = Report(
    code="iml",
    title=gettext_lazy("Rapport IML — intermédiation locative"),
    description=gettext_lazy(
        "Par dispositif de type IML, d'après les mesures : ménages entrés, accompagnés et sortis, durées des "
        "mesures, glissements et destinations à la sortie. Par modalité (location / sous-location, avec ou sans "
        "bail glissant ; mandat de gestion), d'après les baux : baux commencés, glissés et terminés ; ménages du "
        "dispositif logés, entrés et sortis, glissements, durée des séjours et destinations à la sortie ; logements "
        "gérés, captés et jours de vacance ; logements en sous-location par surface louée ; le coût de chacune des "
        "trois activités financées (captation, gestion locative adaptée, accompagnement social). Non comptés, faute "
        "d'être enregistrés à une date : le type de propriétaire et le conventionnement Anah des logements captés, "
        "la surface des logements sous mandat de gestion et le nombre de places."
    ),
    indicators=(
        *funder_uses(Scheme.IML, IML_GROUPS),
        Use(
            "leases_flow",
            "iml",
            {"kinds": (LeaseKind.SUBLEASE, LeaseKind.MANDATE), "split_sliding": True},
        ),
        # W36 per modality, from the leases of the households of an IML programme.
        Use("iml_households", "iml", {"schemes": (Scheme.IML,)}),
        Use("iml_stay_durations", "iml", {"schemes": (Scheme.IML,)}),
        Use("iml_exit_destinations", "iml", {"schemes": (Scheme.IML,), "groups": IML_GROUPS}),
        Use("iml_dwellings"),
        Use("iml_dwellings_by_surface", "iml", {"schemes": (Scheme.IML,)}),
        Use("iml_activity_costs"),
    ),
    funder=gettext_lazy("État (DDETS)"),
    categories=gettext_lazy(
        "Destinations à la sortie : glissement du bail, relogement (parc social, parc privé, résidence sociale "
        "ou pension de famille), orientation, rupture."
    ),
)


# ES-DS (W33): the DREES survey of establishments for adults and families in social difficulty; anonymous rows
# of the persons present on the last day and of those who left during the period, exported beside it (W43).
REPORTS["esds"] = Report(
    code="esds",
    title=gettext_lazy("Enquête ES-DS (DREES) — résidents présents et sortis"),
    description=gettext_lazy(
        "Pour l'enquête quadriennale de la DREES auprès des établissements pour adultes et familles en difficulté "
        "sociale : les résidents présents le dernier jour de la période, par tranche d'âge, situation avant "
        "l'entrée et ressource principale, et les sorties de la période, par destination (édition 2024-2025 : "
        "sorties du 1er janvier 2024 au 31 janvier 2025, présents le 31 janvier 2025). Les petits effectifs sont "
        "masqués ; les lignes individuelles anonymes se téléchargent à part."
    ),
    indicators=(
        "residents_by_age",
        "stays_by_situation_before_entry",
        "stays_by_main_resource",
        "stay_exits_by_destination",
    ),
    funder=gettext_lazy("DREES (enquête statistique obligatoire)"),
    categories=gettext_lazy(
        "Tranches d'âge ; situation de logement avant l'entrée et ressource principale à l'entrée, dites sur chaque "
        "séjour ; destinations à la sortie des résidences. Le sexe, facultatif sur la fiche de la personne, est "
        "dans les lignes individuelles anonymes (« F », « M », vide s'il n'est pas dit)."
    ),
    small_cells=True,
    anonymous_rows=True,
)


# Logement d'abord (W37): the programme 177 indicators the association feeds, from the situation at entry recorded
# on the measures and the category of their outcome; every programme counts.
REPORTS["logement_dabord"] = Report(
    code="logement_dabord",
    title=gettext_lazy("Logement d'abord — ménages sans domicile relogés"),
    description=gettext_lazy(
        "Pour les indicateurs du Logement d'abord (programme 177) : les ménages entrés par situation de logement "
        "à l'entrée (valeurs de la demande de logement social), et les ménages sans domicile à l'entrée sortis "
        "dans la période, par destination."
    ),
    indicators=("entry_situations", "homeless_rehoused"),
    funder=gettext_lazy("État (Dihal, DDETS)"),
    categories=gettext_lazy(
        "Situations à l'entrée du SNE (correspondance avec ses codes à confirmer) ; destinations : logement "
        "social, privé, glissement du bail, résidence sociale ou pension de famille."
    ),
)


# Pensions de famille and résidences accueil (W34): no national template; the fields regional State studies use
# that the application records, as variants of the residences' indicators restricted to these kinds.
BOARDING_HOUSES = {"residence_kinds": (ResidenceKind.PENSION_DE_FAMILLE, ResidenceKind.RESIDENCE_ACCUEIL)}
REPORTS["pension_famille"] = Report(
    code="pension_famille",
    title=gettext_lazy("Rapport annuel des pensions de famille"),
    description=gettext_lazy(
        "Les pensions de famille et résidences accueil : places et taux d'occupation, entrées, sorties et durée "
        "des séjours, résidents présents par tranche d'âge et par sexe, situation avant l'entrée, ressource "
        "principale, orientation, destinations à la sortie, redevance et reste à charge après l'APL-foyer, temps "
        "des hôtes et taux d'encadrement."
    ),
    indicators=(
        Use("residence_occupancy", "pension_famille", BOARDING_HOUSES),
        Use("residents_by_sex_and_age", "pension_famille", BOARDING_HOUSES),  # by age too: its « Ensemble »
        Use("stays_by_situation_before_entry", "pension_famille", BOARDING_HOUSES),
        Use("stays_by_main_resource", "pension_famille", BOARDING_HOUSES),
        Use("stay_entries_by_orientation", "pension_famille", BOARDING_HOUSES),
        Use("stay_exits_by_destination", "pension_famille", BOARDING_HOUSES),
        Use("redevance_rest_to_pay", "pension_famille", BOARDING_HOUSES),
        Use("hosting_staffing", "pension_famille", BOARDING_HOUSES),
    ),
    funder=gettext_lazy("État (DDETS)"),
    categories=gettext_lazy(
        "Aucun modèle national : les champs des études régionales de l'État que l'application enregistre ; la "
        "situation avant l'entrée en valeurs de la demande de logement social ; le sexe tel que dit sur la fiche "
        "de chaque personne (facultatif) ; le temps des hôtes en équivalents temps plein, saisi par la direction "
        "pour chaque résidence et chaque année."
    ),
)


# AGLS (R82, W38): the aide à la gestion locative sociale of the résidences sociales, computed per residence (a flat
# amount per dwelling since the 2025 reform, a dated parameter, plus for a foyer de jeunes travailleurs a bonus on the
# CAF's PSE of the year before) with the yearly activity of the gestion locative sociale by the four categories of
# R82; which residences count is a dated parameter too (`indicators.agls`).
REPORTS["agls"] = Report(
    code="agls",
    title=gettext_lazy("Rapport AGLS — aide à la gestion locative sociale des résidences sociales"),
    description=gettext_lazy(
        "Pour la convention AGLS de chaque résidence sociale avec l'État : logements en service et aide annuelle "
        "attendue (forfait par logement, montant à confirmer, et bonus des foyers de jeunes travailleurs sur la PSE "
        "de la CAF de l'année précédente), résidents présents, entrées et sorties, destinations à la sortie, et "
        "l'activité de gestion locative sociale de chaque résidence par catégorie d'intervention. Les petits "
        "effectifs sont masqués."
    ),
    indicators=("agls_grant", "agls_residents", "agls_exits", "agls_activity"),
    funder=gettext_lazy("État (DDETS)"),
    categories=gettext_lazy(
        "Les quatre catégories de la gestion locative sociale : régulation de la vie collective (activités "
        "collectives du journal de la maison, réunions des instances de la résidence, résiliations pour manquement "
        "au règlement intérieur) ; prévention et gestion des impayés (résidents en impayé de redevance le dernier "
        "jour, résiliations pour impayés) ; lutte contre l'isolement (participation aux activités collectives, "
        "soutiens individuels contre l'isolement notés par les hôtes) ; médiation vers les services extérieurs "
        "(démarches de médiation notées par les hôtes). Ne sont pas enregistrés : les démarches de prévention des "
        "impayés (plan d'apurement, aide du FSL), le temps des intervenants. Résidences comptées : les résidences "
        "sociales ; les pensions de famille et résidences accueil seulement si le paramètre légal le prévoit (non "
        "établi, à confirmer)."
    ),
    small_cells=True,
)
