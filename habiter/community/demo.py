"""Demo councils of Alpa: its monthly voluntary « CVS » open to all accompanied households (seed 000: Alpa is not
an ESSMS, so the CVS has no statutory rule, W15), with last month's meeting — agenda, attendance, decisions,
actions, closed minutes — and next month's, whose agenda is being built; and the Conseil de Maison of « Les
Pléiades », open to all its residents: last month's meeting (subjects proposed by residents and by the host, members
and other residents present, two decisions, an action, closed minutes in plain words), its election of residents'
representatives held today and its results, and its next meeting, open to proposals, one resident's already in
and another's proposed through the meeting's proposal link, which the host opened;
and Alpa's Projet associatif 2024-2028 with its three strategic objectives (seed 000, « Nos orientations
stratégiques »), graded A to E by a closed campaign of twelve participants, and this year's campaign open to answers
by its link, three in already; and ten of Alpa's partners named in the
seed (social landlords, CCAS, Département, SIAO, health, legal, culture…) with their agreements, one of whose renewal
is due within the month so the director's home page shows it. Written through the services, except the agendas of
the past meetings (their proposals deadline has passed, so the service would refuse them: they are history, entered
as rows). Both councils meet monthly by their own rule (12 meetings a year, W15): counted from their first meeting
recorded, last month's, they are on time."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from habiter.core.dates import add_months, nearest_open_day
from habiter.core.models import Role
from habiter.people.models import Person
from habiter.residences.models import Residence

from . import agenda_links, objective_links, partners, queries, services, surveys
from .models import (
    AgendaItem,
    AnswerValue,
    Council,
    CouncilKind,
    LegalBasis,
    MemberRole,
    Partner,
    PartnerKind,
    StrategicProject,
    Survey,
)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _first(users, role):
    return next((u for u in users.values() if u.role == role), None)


def seed_partners(organisation, users, count, rng) -> None:
    """The partners, their agreements and seats once, before the apps whose demo data names partners."""
    director = _first(users, Role.DIRECTOR)
    if director is None or Partner.objects.filter(organisation=organisation).exists():
        return
    with transaction.atomic():
        _seed_partners(director, timezone.localdate())
        _seed_seats(director, _first(users, Role.SOCIAL_WORKER) or director, timezone.localdate())


def seed_community(organisation, users, count, rng) -> None:
    """The two councils once (nothing is added if the organisation already has a council, or has no director)."""
    director = _first(users, Role.DIRECTOR)
    worker = _first(users, Role.SOCIAL_WORKER) or director
    host = _first(users, Role.HOST)
    if director is None:
        return
    today = timezone.localdate()
    if not Survey.objects.filter(organisation=organisation).exists():
        with transaction.atomic():
            _seed_owners_survey(director, _first(users, Role.RENTAL_MANAGER) or director, today)
    if not StrategicProject.objects.filter(organisation=organisation).exists():
        with transaction.atomic():
            _seed_project(director, today)
    if Council.objects.filter(organisation=organisation).exists():
        return
    persons = list(Person.objects.filter(organisation=organisation).order_by("created_at", "id")[:60])
    with transaction.atomic():
        _seed_cvs(director, worker, persons, today)
        pleiades = Residence.objects.filter(organisation=organisation, name="Les Pléiades").first()
        if pleiades is not None and host is not None:
            _seed_house_council(director, host, pleiades, today)
            _seed_concertation(director, host, pleiades, today)


def _seed_cvs(director, worker, persons, today):
    cvs = services.council_create(
        actor=director,
        data={
            "name": "Conseil de Vie Sociale d'Alpa",
            "kind": CouncilKind.VOLUNTARY,
            "legal_basis": LegalBasis.VOLUNTARY,
            "purpose": "Chaque mois, les ménages accompagnés et l'équipe parlent de la vie de l'association : "
            "accueil, ateliers, projets. Ouvert à tous les ménages accompagnés.",
            "meetings_per_year": 12,  # its règlement intérieur: monthly, by its own rule (W15)
        },
    )
    start = today - timedelta(days=300)
    services.member_add(
        actor=director, council_id=cvs.pk, role=MemberRole.PRESIDENT, user_id=director.pk, term_start=start
    )
    if worker != director:
        services.member_add(
            actor=director, council_id=cvs.pk, role=MemberRole.STAFF_REP, user_id=worker.pk, term_start=start
        )
    members = []
    for index, person in enumerate(persons[:4]):
        end = today + timedelta(days=25) if index == 0 else today + timedelta(days=300)
        members.append(
            services.member_add(
                actor=director,
                council_id=cvs.pk,
                role=MemberRole.RESIDENT_REP,
                person_id=person.pk,
                term_start=start,
                term_end=end,
            )
        )
    services.member_add(
        actor=director, council_id=cvs.pk, role=MemberRole.MEMBER, name="Mme Claire Vidal (bénévole)", term_start=start
    )
    # last month's meeting, held and closed
    held = nearest_open_day(today - timedelta(days=27), step=-1)
    past = services.meeting_schedule(
        actor=director,
        council_id=cvs.pk,
        starts_at=_at(held, 14),
        place="Salle commune, siège d'Alpa",
        proposals_until=held - timedelta(days=3),
    )
    subjects = [
        ("Horaires de l'accueil le samedi", "L'accueil est fermé le samedi : difficile pour ceux qui travaillent.", 0),
        ("Atelier « budget et énergie »", "Refaire l'atelier avant l'hiver.", 1),
        ("Fête de fin d'année", "", None),
    ]
    for title, detail, who in subjects:
        AgendaItem.objects.create(
            organisation_id=director.organisation_id,
            meeting=past,
            title=title,
            detail=detail,
            entered_by=worker,
            person=persons[who] if who is not None and who < len(persons) else None,
        )
    presences = {str(m.pk): "present" for m in past.council.members.all()}
    if members:
        presences[str(members[-1].pk)] = "excused"
    services.attendance_record(actor=director, meeting_id=past.pk, presences=presences)
    services.decision_record(
        actor=director,
        meeting_id=past.pk,
        text="L'accueil ouvrira un samedi matin par mois, à partir du mois prochain.",
    )
    services.decision_record(
        actor=director, meeting_id=past.pk, text="L'atelier « budget et énergie » aura lieu en novembre."
    )
    services.action_add(
        actor=director,
        meeting_id=past.pk,
        title="Afficher les nouveaux horaires à l'accueil",
        owner_name="L'équipe d'accueil",
        due_on=today - timedelta(days=10),
    )
    services.action_add(
        actor=director,
        meeting_id=past.pk,
        title="Trouver une salle pour la fête",
        owner_name="Les représentants des ménages",
        due_on=today + timedelta(days=20),
    )
    services.minutes_close(
        actor=director,
        meeting_id=past.pk,
        minutes="Nous étions nombreux.\n"
        "Plusieurs personnes travaillent en semaine : elles ne peuvent pas venir à l'accueil.\n"
        "L'équipe propose d'ouvrir un samedi matin par mois. Tout le monde est d'accord.\n"
        "On a aussi parlé des factures d'énergie : l'atelier sera refait avant l'hiver.\n"
        "Pour la fête, il faut une salle. Les représentants cherchent.",
    )
    # next month's meeting: the agenda is being built
    coming = nearest_open_day(today + timedelta(days=14))
    nxt = services.meeting_schedule(
        actor=director,
        council_id=cvs.pk,
        starts_at=_at(coming, 14),
        place="Salle commune, siège d'Alpa",
        proposals_until=coming - timedelta(days=2),
    )
    services.agenda_item_propose(
        actor=worker,
        meeting_id=nxt.pk,
        title="Le bruit dans la salle d'attente",
        detail="Proposé à l'accueil par une personne accompagnée.",
        proposer_name="M. Karim Bensaïd",
    )
    if members:
        services.agenda_item_propose(
            actor=director, meeting_id=nxt.pk, title="Bilan du samedi matin", member_id=members[0].pk
        )


def _seed_house_council(director, host, pleiades, today):
    council = services.council_create(
        actor=director,
        data={
            "name": "Conseil de Maison des Pléiades",
            "kind": CouncilKind.CONSEIL_DE_MAISON,
            "legal_basis": LegalBasis.VOLUNTARY,
            "purpose": "Chaque mois, les résidents et les hôtes parlent de la vie de la maison. L'ordre du jour se "
            "construit ensemble. Les représentants élus accueillent les nouveaux résidents.",
            "meetings_per_year": 12,
        },
        residence_id=pleiades.pk,
    )
    services.member_add(
        actor=director,
        council_id=council.pk,
        role=MemberRole.HOST,
        user_id=host.pk,
        term_start=today - timedelta(days=400),
    )
    _seed_house_council_last_month(director, host, council, pleiades, today)
    election = services.election_create(
        actor=host,
        council_id=council.pk,
        data={
            "title": "Élection des représentants des résidents",
            "seats": 2,
            "substitute_seats": 1,
            "term_months": 12,
            "roll_date": today - timedelta(days=20),
            "candidacy_deadline": today,
            "vote_on": today,
            "place": "Salon des Pléiades",
            "tie_rule": "lots",
        },
    )
    electors = services.election_roll_freeze(actor=host, election_id=election.pk)
    roll = list(election.electors.order_by("name", "id")[:3])
    if electors < 3:
        return
    candidacies = [services.candidacy_add(actor=host, election_id=election.pk, elector_id=e.pk) for e in roll]
    counts, blank = ((5, 3, 2), 1) if electors >= 11 else ((3, 2, 1), 0)
    if sum(counts) + blank <= electors:
        votes = dict(zip((str(c.pk) for c in candidacies), counts, strict=True))
        services.election_results_record(
            actor=host, election_id=election.pk, voters=sum(counts) + blank, blank=blank, null=0, votes=votes
        )
    coming = nearest_open_day(today + timedelta(days=9))
    meeting = services.meeting_schedule(
        actor=host,
        council_id=council.pk,
        starts_at=_at(coming, 17, 30),
        place="Salon des Pléiades",
        proposals_until=coming - timedelta(days=1),
    )
    services.agenda_item_propose(actor=host, meeting_id=meeting.pk, title="Le planning du ménage de la cuisine")
    # the host opened its proposal link (printed on the poster in the hall), and a resident proposed through it
    key = agenda_links.proposal_link_open(actor=host, meeting_id=meeting.pk).proposal_key
    agenda_links.agenda_item_propose_by_link(
        proposal_key=key,
        title="Un atelier pour faire les démarches en ligne",
        detail="Beaucoup de papiers se font sur internet : on voudrait apprendre ensemble.",
        first_name="Samira",
    )
    proposer = next(iter(queries.residents_under_contract(pleiades.pk, today)[5:6]), None)
    if proposer is not None:
        services.agenda_item_propose(
            actor=host,
            meeting_id=meeting.pk,
            title="Une sortie au bord de la mer",
            detail="Un pique-nique tous ensemble, un dimanche. Qui veut venir ?",
            person_id=proposer.pk,
        )


def _seed_house_council_last_month(director, host, council, pleiades, today):
    """Last month's Conseil de Maison, held and closed: the outgoing residents' representatives (their year ended
    with today's election), subjects proposed by two residents and by the host, residents who came without being
    members, two decisions, an action and minutes in plain words. Its agenda is history, entered as rows."""
    held = nearest_open_day(today - timedelta(days=26), step=-1)
    term_start = add_months(today, -12)
    earlier = {p.pk for p in queries.residents_under_contract(pleiades.pk, term_start)}
    residents = queries.residents_under_contract(pleiades.pk, held)
    outgoing = [p for p in residents if p.pk in earlier][-2:]  # there a year ago and still there last month
    if len(residents) < 6 or len(outgoing) < 2:
        return
    reps = [
        services.member_add(
            actor=director,
            council_id=council.pk,
            role=MemberRole.RESIDENT_REP,
            person_id=person.pk,
            term_start=term_start,
            term_end=today - timedelta(days=1),
        )
        for person in outgoing
    ]
    past = services.meeting_schedule(
        actor=host,
        council_id=council.pk,
        starts_at=_at(held, 17, 30),
        place="Salon des Pléiades",
        proposals_until=held - timedelta(days=1),
    )
    others = queries.attendance_residents(past)
    noise, garden = others[0], others[1]
    subjects = (
        ("Le bruit dans le couloir le soir", "Après 22 h, on entend la musique et la télé dans les chambres.", noise),
        ("Un potager dans le jardin", "Planter des tomates et des herbes, et s'en occuper ensemble.", garden),
        ("Le repas partagé du mois", "Choisir la date et qui prépare quoi.", None),
    )
    for title, detail, person in subjects:
        AgendaItem.objects.create(
            organisation_id=director.organisation_id,
            meeting=past,
            title=title,
            detail=detail,
            entered_by=host,
            person=person,
        )
    host_member = council.members.get(user=host)
    came = others[:4]
    services.attendance_record(
        actor=host,
        meeting_id=past.pk,
        presences={str(host_member.pk): "present", str(reps[0].pk): "present", str(reps[1].pk): "excused"},
        residents=[p.pk for p in came],
    )
    services.decision_record(
        actor=host,
        meeting_id=past.pk,
        text="Après 22 h, chacun baisse le son de la musique et de la télé. Une affiche le rappelle à l'entrée.",
    )
    services.decision_record(
        actor=host,
        meeting_id=past.pk,
        text="On fait un potager dans le jardin. Ceux qui le veulent s'en occupent ensemble, le mercredi matin.",
    )
    services.action_add(
        actor=host,
        meeting_id=past.pk,
        title="Acheter les graines, la terre et les outils du potager",
        owner_name=f"{host.get_full_name()} (hôte), avec {garden.first_name} {garden.last_name}",
        due_on=nearest_open_day(today + timedelta(days=6)),
    )
    services.minutes_close(
        actor=host,
        meeting_id=past.pk,
        minutes=f"Nous étions {len(came) + 2}. Merci à tous d'être venus.\n"
        f"Le bruit le soir. {noise.first_name} entend la musique et la télé après 22 h. "
        "C'est difficile pour dormir. Tout le monde est d'accord : après 22 h, on baisse le son.\n"
        f"Le potager. {garden.first_name} veut planter des tomates et des herbes dans le jardin. "
        "D'autres résidents veulent aider. L'hôte achète les graines et les outils.\n"
        "Le repas partagé. Il aura lieu le dernier vendredi du mois. Chacun apporte quelque chose s'il le peut.\n"
        "Le prochain Conseil de Maison a lieu le mois prochain. Vous pouvez proposer des sujets aux hôtes.",
    )


# Seed 000, « 05 Nos orientations stratégiques pour le projet 2024-2028 »: the three strategic objectives and what
# each one means.
ALPA_OBJECTIVES = (
    (
        "Faire valoir notre expertise dans les différents territoires d'intervention",
        "Développer le partenariat ; exercer une fonction de veille dans les différents bassins d'habitat ; renforcer "
        "la visibilité et la lisibilité de l'offre de services de l'Alpa ; promouvoir un modèle d'accompagnement "
        "social global des personnes.",
    ),
    (
        "Développer l'offre de logement",
        "Développer les collaborations avec les bailleurs publics et privés ; accroître notre parc immobilier par le "
        "développement du logement accompagné ; consolider notre gestion locative adaptée.",
    ),
    (
        "Conforter notre projet participatif",
        "Promouvoir, dans le cadre de notre gouvernance partagée, une approche résolument participative ; diffuser "
        "cette ambition du « travailler ensemble » dans le cadre d'un projet associatif partagé.",
    ),
)

A, N, S = AnswerValue.ACHIEVED, AnswerValue.NOT_ACHIEVED, AnswerValue.SHARED
# Twelve sheets (category, view on objectives 1, 2, 3): objective 1 has 8 of 12 « atteint », exactly two in three
# (A); objective 2 has 6 of 12, exactly half (B); objective 3 has 4 « atteint », 4 « non atteint », 4 « partagé » (C).
ALPA_SHEETS = (
    ("staff", A, A, A),
    ("staff", A, A, N),
    ("staff", A, S, S),
    ("staff", A, N, A),
    ("staff", N, A, S),
    ("volunteer", A, A, N),
    ("volunteer", S, N, S),
    ("person", A, A, A),
    ("person", A, N, N),
    ("person", N, S, S),
    ("partner", A, A, A),
    ("partner", S, N, N),
)

# Three sheets given through the link of this year's open campaign (category, view on objectives 1, 2, 3).
LINK_SHEETS = (("person", A, A, S), ("volunteer", A, N, S), ("person", A, S, N))


def _seed_project(director, today):
    project = services.project_create(actor=director, title="Projet associatif", start_year=2024, end_year=2028)
    for title, description in ALPA_OBJECTIVES:
        services.objective_add(actor=director, project_id=project.pk, title=title, description=description)
    objectives = list(project.objectives.all())
    campaign = services.campaign_create(
        actor=director,
        project_id=project.pk,
        title="Séminaire d'évaluation à mi-parcours",
        held_on=nearest_open_day(today - timedelta(days=40), step=-1),
    )
    for category, *values in ALPA_SHEETS:
        services.answers_record(
            actor=director,
            campaign_id=campaign.pk,
            category=category,
            values={o.pk: v for o, v in zip(objectives, values, strict=True)},
        )
    services.campaign_close(actor=director, campaign_id=campaign.pk)
    # This year's campaign, still open, answered by the participants themselves through its link (decision record
    # 0042): three sheets in already; the director finds the link to pass on on the campaign's page.
    this_year = services.campaign_create(
        actor=director,
        project_id=project.pk,
        title="Bilan de l'année avec les participants",
        held_on=nearest_open_day(today - timedelta(days=3), step=-1),
    )
    link_key = objective_links.campaign_link_open(actor=director, campaign_id=this_year.pk).link_key
    for category, *values in LINK_SHEETS:
        objective_links.answers_submit_by_link(
            link_key=link_key,
            category=category,
            values={o.pk: v for o, v in zip(objectives, values, strict=True)},
        )


def _seed_concertation(director, host, pleiades, today):
    """A conseil de concertation (W12) well composed but whose last meeting is over a year old: its page and the
    home panel show the yearly meeting overdue."""
    council = services.council_create(
        actor=director,
        data={
            "name": "Conseil de concertation des Pléiades",
            "kind": CouncilKind.CONSEIL_CONCERTATION,
            "legal_basis": LegalBasis.CCH_CONSEIL_CONCERTATION,
            "purpose": "Consulté sur le règlement intérieur, avant les travaux et sur tout projet qui touche la vie "
            "dans la maison.",
        },
        residence_id=pleiades.pk,
    )
    start = today - timedelta(days=500)
    services.member_add(actor=director, council_id=council.pk, role=MemberRole.HOST, user_id=host.pk, term_start=start)
    services.member_add(
        actor=director, council_id=council.pk, role=MemberRole.RESIDENT_REP, name="M. Ali Haddad", term_start=start
    )
    held = nearest_open_day(today - timedelta(days=400), step=-1)
    services.meeting_schedule(
        actor=director,
        council_id=council.pk,
        starts_at=_at(held, 14),
        place="Salon des Pléiades",
        proposals_until=held - timedelta(days=3),
    )


# Ten partners of Alpa (seed 000: « Pays d'Aix Habitat », « Cultures du Cœur », « Les Petits Débrouillards », the
# Théâtre du Bois de l'Aune, AMS services, Addiction Méditerranée, the mission locale; the CCAS, the Département and
# the SIAO are the usual funders and referrers). Each: kind, a contact, and an agreement (object, amount, months from
# its start to its end, and days from today to its renewal date; None: no renewal date).
DEMO_PARTNERS = (
    (
        "Pays d'Aix Habitat (PAHM)",
        PartnerKind.SOCIAL_LANDLORD,
        ("Mme Garcia", "Chargée de gestion locative"),
        ("Baux glissants et future Résidence Accueil", None, 36, 25),
    ),
    (
        "Famille & Provence",
        PartnerKind.SOCIAL_LANDLORD,
        ("M. Bernard", "Responsable d'agence"),
        ("Mise à disposition de logements en sous-location", None, 36, 300),
    ),
    (
        "CCAS d'Aix-en-Provence",
        PartnerKind.CCAS,
        ("Mme Lopez", "Travailleuse sociale"),
        ("Domiciliation et aides facultatives", "4500.00", 12, 150),
    ),
    (
        "Département des Bouches-du-Rhône",
        PartnerKind.DEPARTEMENT,
        ("M. Martin", "Chargé de mission FSL"),
        ("Accompagnement social lié au logement (ASLL)", "86000.00", 12, 120),
    ),
    (
        "SIAO 13",
        PartnerKind.SIAO,
        ("Mme Petit", "Coordinatrice"),
        ("Orientation vers les places de pension de famille", None, 36, None),
    ),
    (
        "Addiction Méditerranée (Tremplin)",
        PartnerKind.HEALTH,
        ("Dr Moreau", "Médecin addictologue"),
        ("Permanences santé et addictions", "2400.00", 12, 200),
    ),
    (
        "Point d'accès au droit d'Aix",
        PartnerKind.LEGAL,
        ("Me Fabre", "Avocate"),
        ("Permanences juridiques logement", None, 12, 240),
    ),
    (
        "Cultures du Cœur 13",
        PartnerKind.CULTURE,
        ("Mme Roux", "Médiatrice culturelle"),
        ("Places de spectacle et sorties culturelles", "600.00", 12, 180),
    ),
    (
        "Théâtre du Bois de l'Aune",
        PartnerKind.CULTURE,
        ("M. Blanc", "Chargé des relations avec les publics"),
        ("Ateliers de théâtre avec les résidents", "1800.00", 12, 260),
    ),
    (
        "Mission locale du Pays d'Aix",
        PartnerKind.EMPLOYMENT,
        ("M. Faure", "Conseiller emploi"),
        ("Accès à l'emploi des jeunes accompagnés", None, 24, None),
    ),
)


def _seed_partners(director, today):
    for name, kind, (contact, role), (title, amount, months, renewal_days) in DEMO_PARTNERS:
        partner = partners.partner_create(
            actor=director, data={"name": name, "kind": kind, "address": "Aix-en-Provence"}
        )
        partners.partner_contact_add(actor=director, partner_id=partner.pk, data={"name": contact, "role": role})
        renewal_on = today + timedelta(days=renewal_days) if renewal_days is not None else None
        ends_on = add_months(renewal_on, 3) if renewal_on is not None else None
        starts_on = (
            add_months(ends_on, -months) + timedelta(days=1) if ends_on is not None else add_months(today, -months)
        )
        partners.agreement_create(
            actor=director,
            partner_id=partner.pk,
            data={
                "title": title,
                "signed_on": starts_on - timedelta(days=20),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "amount": Decimal(amount) if amount is not None else None,
                "renewal_on": renewal_on,
            },
        )


# Cross-participation: the director at the CCAPEX (Département), a social worker at the SIAO's orientation commission
# (an ended term, then the current one).
def _seed_seats(director, worker, today):
    by_name = {p.name: p for p in Partner.objects.filter(organisation_id=director.organisation_id)}
    seats = (
        ("Département des Bouches-du-Rhône", director, "CCAPEX", "titular", add_months(today, -30), None),
        ("SIAO 13", worker, "Commission d'orientation", "substitute", add_months(today, -40), add_months(today, -16)),
        ("SIAO 13", worker, "Commission d'orientation", "titular", add_months(today, -16) + timedelta(days=1), None),
    )
    for partner_name, member, body, role, started_on, ended_on in seats:
        partners.seat_add(
            actor=director,
            partner_id=by_name[partner_name].pk,
            member_id=member.pk,
            data={"body": body, "role": role, "started_on": started_on, "ended_on": ended_on},
        )


# The yearly survey of the private owners who let through the association (seed 000: 17 interviews), typed in by the
# rental manager: (satisfaction 1–5, would let again through the association, what to improve).
OWNER_ANSWERS = (
    (5, "Oui", "Rien, le suivi est excellent."),
    (5, "Oui", ""),
    (4, "Oui", "Des nouvelles plus régulières du locataire."),
    (4, "Oui", ""),
    (4, "Oui", "Les délais de réparation."),
    (5, "Oui", ""),
    (3, "Ne sait pas", "Le loyer plafonné est trop bas pour mon bien."),
    (4, "Oui", ""),
    (5, "Oui", "Continuez ainsi."),
    (2, "Non", "L'état des lieux de sortie a pris trop de temps."),
    (4, "Oui", ""),
    (3, "Ne sait pas", ""),
    (5, "Oui", "La garantie des loyers me rassure."),
    (4, "Oui", ""),
    (4, "Oui", "Un interlocuteur unique."),
    (5, "Oui", ""),
    (3, "Oui", "Les travaux demandés au départ."),
)


def _seed_owners_survey(director, rental_manager, today):
    survey = surveys.survey_create(
        actor=director,
        data={
            "title": f"Enquête annuelle auprès des propriétaires {today.year}",
            "audience": "owners",
            "introduction": "Quelques questions sur la gestion de votre logement par l'association (5 minutes).",
            "anonymous": True,
            "opens_on": today - timedelta(days=60),
            "closes_on": today + timedelta(days=30),
        },
    )
    questions = [
        surveys.question_add(actor=director, survey_id=survey.pk, data=data)
        for data in (
            {"text": "Êtes-vous satisfait·e de la gestion de votre logement ?", "kind": "scale", "required": True},
            {
                "text": "Confieriez-vous à nouveau un logement à l'association ?",
                "kind": "choice",
                "options": "Oui\nNon\nNe sait pas",
            },
            {"text": "Qu'est-ce qui pourrait être amélioré ?", "kind": "text"},
        )
    ]
    for answers in OWNER_ANSWERS:
        surveys.response_record(
            actor=rental_manager,
            survey_id=survey.pk,
            answers={str(q.pk): str(value) for q, value in zip(questions, answers, strict=True)},
        )
