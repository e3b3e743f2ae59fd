"""A realistic city for the benchmark, made with bulk inserts.

The organisation: `size` employees, one organisational unit per ~15 people in a tree five levels
deep (stad > departement > dienst > team > ploeg), a head (chef-waardeerder) in every unit who
manages the unit's members and the heads of its sub-units, and one team of exactly 40 reports for
the team page. On top: three versions of the code (the shipped 2013 and D2018 notes and a 2026
update, current), acknowledgements by ~70% of the audience spread over the weeks since
publication, "Team op de hoogte gebracht" by ~80% of the chefs, and advice questions (~1 per 5
employees) in every state with their timelines and statistics rows.

`plan(size)` is the organisation as data (also written as the HR file for `import_org`);
`load(plan)` puts everything in the database. Works on PostgreSQL and SQLite (tests use small sizes).
"""

import csv
import datetime
import hashlib
import random
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

FIRST = [
    "Lotte",
    "Wout",
    "Tom",
    "Sofie",
    "Bram",
    "Hanne",
    "An",
    "Jef",
    "Els",
    "Koen",
    "Ines",
    "Pieter",
    "Lies",
    "Jonas",
    "Marie",
    "Stijn",
    "Eline",
    "Thomas",
    "Nele",
    "Ruben",
    "Fien",
    "Arne",
    "Sarah",
    "Bart",
    "Lien",
]
LAST = [
    "Janssens",
    "Peeters",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Hermans",
    "Aerts",
    "Van den Broeck",
    "Michiels",
    "Coppens",
    "Verstraete",
    "Smets",
    "Vermeulen",
]
BATCH = 5000
TEAM_OF_40 = "BENCH-40"


@dataclass
class Unit:
    code: str
    name: str
    kind: str
    parent: str  # code, "" for the city
    head: str = ""  # personeelsnummer of the unit's chef


@dataclass
class Employee:
    number: str
    first: str
    last: str
    unit: str
    manager: str  # personeelsnummer, "" for the top

    @property
    def email(self) -> str:
        return f"p{self.number}@bench.stad.antwerpen.be"


@dataclass
class Plan:
    size: int
    units: list = field(default_factory=list)
    people: list = field(default_factory=list)


def plan(size: int, *, seed: int = 2018) -> Plan:
    rng = random.Random(seed)
    result = Plan(size)
    counter = iter(range(100_000, 10_000_000))

    def person(unit, manager):
        employee = Employee(str(next(counter)), rng.choice(FIRST), rng.choice(LAST), unit.code, manager)
        result.people.append(employee)
        return employee

    def add_unit(code, name, kind, parent):
        unit = Unit(code, name, kind, parent.code if parent else "")
        result.units.append(unit)
        unit.head = person(unit, parent.head if parent else "").number
        return unit

    # Leaves ("ploegen") hold the members; ~22 people per leaf gives ~15 people per unit overall.
    leaves_wanted = max(4, size // 22)
    city = add_unit("STAD", "Stad Antwerpen", "stad", None)
    departments = [
        add_unit(f"D{d:02d}", f"Departement {d}", "departement", city) for d in range(max(2, leaves_wanted // 48))
    ]
    services = [
        add_unit(f"{dep.code}-S{s:02d}", f"Dienst {dep.code}-{s}", "dienst", dep)
        for dep in departments
        for s in range(max(1, leaves_wanted // 12 // len(departments)))
    ]
    teams = [
        add_unit(f"{svc.code}-T{t}", f"Team {svc.code}-{t}", "team", svc)
        for svc in services
        for t in range(max(1, leaves_wanted // 3 // len(services)))
    ]
    leaves = [add_unit(f"{team.code}-P{p}", f"Ploeg {team.code}-{p}", "team", team) for team in teams for p in range(3)]
    forty = add_unit(TEAM_OF_40, "Team van 40", "team", services[0])
    for _ in range(40):
        person(forty, forty.head)
    while len(result.people) < size:
        leaf = leaves[len(result.people) % len(leaves)]
        person(leaf, leaf.head)
    return result


def write_hr_csv(the_plan: Plan, path) -> None:
    """The organisation as the HR export that `import_org` reads."""
    from organisation.importer import COLUMNS

    units = {unit.code: unit for unit in the_plan.units}
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(COLUMNS)
        for employee in the_plan.people:
            unit = units[employee.unit]
            writer.writerow(
                [
                    employee.number,
                    employee.first,
                    employee.last,
                    employee.email,
                    "",
                    unit.code,
                    unit.name,
                    unit.kind,
                    unit.parent,
                    employee.manager,
                ]
            )


@transaction.atomic
def load(the_plan: Plan, *, seed: int = 2018, now=None) -> dict:
    """Everything in the database. Returns the objects the benchmark pages need."""
    from advice import queue
    from codeofconduct import figures
    from organisation.models import OrgUnit, Person

    rng = random.Random(seed)
    now = now or timezone.now()
    kinds = {"stad": OrgUnit.Kind.CITY, "departement": OrgUnit.Kind.DEPARTMENT, "dienst": OrgUnit.Kind.SERVICE}
    # Keys handed out here, not by the database: a unit's parent and a person's manager come before
    # them in the plan, so every row is written once, complete (a bulk_update of the parents and the
    # managers afterwards took two fifths of the generation).
    next_unit = (OrgUnit.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    unit_ids = {unit.code: next_unit + index for index, unit in enumerate(the_plan.units)}
    paths = {}
    unit_rows = []
    for unit in the_plan.units:  # parents come before their children in the plan
        path = paths.get(unit.parent, "/") + unit.code + "/"
        paths[unit.code] = path
        unit_rows.append(
            OrgUnit(
                pk=unit_ids[unit.code],
                code=unit.code,
                name=unit.name,
                kind=kinds.get(unit.kind, OrgUnit.Kind.TEAM),
                path=path,
                depth=path.count("/") - 2,
                parent_id=unit_ids.get(unit.parent),
            )
        )
    OrgUnit.objects.bulk_create(unit_rows, batch_size=BATCH)

    joined = now - datetime.timedelta(days=400)
    next_person = (Person.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    person_ids = {e.number: next_person + index for index, e in enumerate(the_plan.people)}
    Person.objects.bulk_create(
        [
            Person(
                pk=person_ids[e.number],
                username=e.email,
                personeelsnummer=e.number,
                first_name=e.first,
                last_name=e.last,
                email=e.email,
                unit_id=unit_ids[e.unit],
                manager_id=person_ids.get(e.manager),
                password="!",
                unit_since=joined,
                date_joined=joined,
            )
            for e in the_plan.people
        ],
        batch_size=BATCH,
    )
    _continue_the_sequences(OrgUnit, Person)
    heads = {unit.code: person_ids[unit.head] for unit in the_plan.units}
    # Roles for the benchmark's visitors: two editors and two integrity officers at the top.
    top = [person_ids[e.number] for e in the_plan.people[1:5]]
    Person.objects.filter(pk__in=top[:2]).update(is_editor=True)
    Person.objects.filter(pk__in=top[2:4]).update(is_integrity_officer=True)

    versions = _versions(now)
    _acknowledgements(rng, versions["current"], person_ids, now)
    _notifications(rng, versions["current"], heads, now)
    _asked(versions["current"], person_ids, heads)
    questions = _questions(rng, the_plan, person_ids, top[2:4], now)
    figures.changed()  # bulk inserts bypass the signals that keep compliance figures current
    queue.changed()  # and those that keep the Bureau queue's counts current
    return {
        "current": versions["current"],
        "employee": person_ids[the_plan.people[-1].number],
        "chef_of_40": heads[TEAM_OF_40],
        "editor": top[0],
        "officer": top[2],
        "department": the_plan.units[1].code,
        "question": questions["example"],
        "asker": questions["example_asker"],
    }


def _continue_the_sequences(*models):
    """After rows with keys of our own, the database hands out the next key after the last of them."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _versions(now):
    """The shipped 2013 and D2018 notes (data migration) and a 2026 update, current for all staff."""
    from codeofconduct.content import install_initial_content
    from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
    from codeofconduct.services import publishing

    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = policy.versions.get(status=PolicyVersion.Status.PUBLISHED)
    update = publishing.draft_create(policy=policy, by=None, copy_from=current)
    update.nummer, update.titel = "D2026.001", "Actualisering gedragscode sociale media (2026)"
    update.datum = (now - datetime.timedelta(days=60)).date()
    update.body += "\n\n#### Berichten van de stad delen\n\nDeel berichten van de stad zonder eigen commentaar.\n"
    publishing.draft_save(version=update, by=None)
    publishing.version_publish(version=update, by=None)
    PolicyVersion.objects.filter(pk=update.pk).update(published_at=now - datetime.timedelta(days=45))
    update.refresh_from_db()
    return {"current": update}


def _acknowledgements(rng, version, person_ids, now):
    from codeofconduct.models import Acknowledgement, VersionOpening

    start = version.published_at
    span = (now - start).total_seconds()
    openings, acks = [], []
    for pk in person_ids.values():
        draw = rng.random()
        if draw < 0.85:  # opened
            opened = start + datetime.timedelta(seconds=span * rng.random() ** 2)
            openings.append(VersionOpening(person_id=pk, version=version, first_opened_at=opened))
            if draw < 0.70:  # and acknowledged, mostly in the first days
                acks.append(
                    Acknowledgement(
                        person_id=pk,
                        version=version,
                        content_hash=version.content_hash,
                        acknowledged_at=opened + datetime.timedelta(minutes=rng.randint(1, 30)),
                    )
                )
    VersionOpening.objects.bulk_create(openings, batch_size=BATCH)
    Acknowledgement.objects.bulk_create(acks, batch_size=BATCH)


def _notifications(rng, version, heads, now):
    from codeofconduct.models import TeamNotification

    rows = [
        TeamNotification(
            chef_id=pk,
            version=version,
            notified_on=(version.published_at + datetime.timedelta(days=rng.randint(0, 10))).date(),
            method=rng.choice(["email", "teamvergadering"]),
            recorded_at=now - datetime.timedelta(days=30),
        )
        for pk in set(heads.values())
        if rng.random() < 0.8
    ]
    TeamNotification.objects.bulk_create(rows, batch_size=BATCH)


def _asked(version, person_ids, heads):
    """The reminder job's record of asking: everyone and every chef on the day of publication."""
    from codeofconduct import audience
    from codeofconduct.models import Obligation

    asked_at = version.published_at
    due_on = audience.due_on_when_asked(version, timezone.localdate(asked_at))
    rows = [
        Obligation(person_id=pk, version=version, kind=Obligation.Kind.ACKNOWLEDGE, asked_at=asked_at, due_on=due_on)
        for pk in person_ids.values()
    ]
    rows += [
        Obligation(person_id=pk, version=version, kind=Obligation.Kind.NOTIFY_TEAM, asked_at=asked_at)
        for pk in set(heads.values())
    ]
    Obligation.objects.bulk_create(rows, batch_size=BATCH)


# Each state with the timeline that leads to it: (event kind, actor role, from, to).
TIMELINES = {
    "bij_leidinggevende": [("gesteld", "asker", "", "bij_leidinggevende")],
    "beantwoord_leidinggevende": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("antwoord_leidinggevende", "manager", "bij_leidinggevende", "beantwoord_leidinggevende"),
    ],
    "meer_info_gevraagd": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("info_gevraagd", "manager", "bij_leidinggevende", "meer_info_gevraagd"),
    ],
    "bij_bureau": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("geescaleerd", "manager", "bij_leidinggevende", "bij_bureau"),
    ],
    "in_behandeling": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("geescaleerd", "manager", "bij_leidinggevende", "bij_bureau"),
        ("opgenomen", "officer", "bij_bureau", "in_behandeling"),
    ],
    "beantwoord_bureau": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("geescaleerd", "manager", "bij_leidinggevende", "bij_bureau"),
        ("opgenomen", "officer", "bij_bureau", "in_behandeling"),
        ("antwoord_bureau", "officer", "in_behandeling", "beantwoord_bureau"),
    ],
    "afgesloten": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("antwoord_leidinggevende", "manager", "bij_leidinggevende", "beantwoord_leidinggevende"),
        ("afgesloten", "asker", "beantwoord_leidinggevende", "afgesloten"),
    ],
    "ingetrokken": [
        ("gesteld", "asker", "", "bij_leidinggevende"),
        ("ingetrokken", "asker", "bij_leidinggevende", "ingetrokken"),
    ],
}
BUREAU_STATES = {"bij_bureau", "in_behandeling", "beantwoord_bureau"}


def _questions(rng, the_plan, person_ids, officers, now):
    from advice.models import Question, QuestionEvent, QuestionStatistic

    askers = [e for e in the_plan.people if e.manager]
    states = list(TIMELINES)
    count = max(len(states), the_plan.size // 5)
    questions, plans = [], []
    for index in range(count):
        employee = askers[rng.randrange(len(askers))]
        state = states[index % len(states)]
        asked = now - datetime.timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
        at_bureau = state in BUREAU_STATES
        officer = officers[index % len(officers)] if state in {"in_behandeling", "beantwoord_bureau"} else None
        question = Question(
            asker_id=person_ids[employee.number],
            subject=f"Bericht over {rng.choice(['een opening', 'een debat', 'mijn werk', 'een foto'])}",
            body="Mag ik dit delen op sociale media?",
            channel=rng.choice(["facebook", "x", "linkedin", "instagram", "blog"]),
            state=state,
            level="bureau" if at_bureau else "leidinggevende",
            manager_id=person_ids[employee.manager],
            officer_id=officer,
            created_at=asked,
            manager_deadline=asked + datetime.timedelta(days=3),
            bureau_at=asked + datetime.timedelta(days=1) if at_bureau else None,
            bureau_deadline=asked + datetime.timedelta(days=8) if at_bureau else None,
            closed_at=asked + datetime.timedelta(days=2) if state in {"afgesloten", "ingetrokken"} else None,
        )
        questions.append(question)
        plans.append((employee, state, asked, officer))
    # The question points to its statistics row (the row names no question): the rows first, so that
    # every question is written once, complete.
    stats = [
        QuestionStatistic(
            month=question.created_at.date().replace(day=1),
            channel=question.channel,
            escalated=state in BUREAU_STATES,
            outcome=state,
        )
        for question, (_employee, state, _asked, _officer) in zip(questions, plans, strict=True)
    ]
    QuestionStatistic.objects.bulk_create(stats, batch_size=BATCH)
    if not all(stat.pk for stat in stats):  # a database that returns no ids
        ids = list(QuestionStatistic.objects.order_by("pk").values_list("pk", flat=True))[-len(stats) :]
        for stat, pk in zip(stats, ids, strict=True):
            stat.pk = stat.id = pk
    for question, stat in zip(questions, stats, strict=True):
        question.statistic_id = stat.pk
    Question.objects.bulk_create(questions, batch_size=BATCH)
    if not all(question.pk for question in questions):  # a database that returns no ids
        ids = list(Question.objects.order_by("pk").values_list("pk", flat=True))[-len(questions) :]
        for question, pk in zip(questions, ids, strict=True):
            question.pk = question.id = pk
    events = []
    for question, (_employee, state, asked, officer) in zip(questions, plans, strict=True):
        actors = {"asker": question.asker_id, "manager": question.manager_id, "officer": officer}
        for step, (kind, role, source, target) in enumerate(TIMELINES[state]):
            events.append(
                QuestionEvent(
                    question_id=question.pk,
                    kind=kind,
                    actor_id=actors[role],
                    from_state=source,
                    to_state=target,
                    created_at=asked + datetime.timedelta(hours=step * 5),
                    audience="route",
                )
            )
    QuestionEvent.objects.bulk_create(events, batch_size=BATCH)
    example = questions[TIMELINES_ORDER_EXAMPLE]
    return {"example": example.pk, "example_asker": example.asker_id}


TIMELINES_ORDER_EXAMPLE = list(TIMELINES).index("in_behandeling")


def fingerprint(the_plan: Plan) -> str:
    """A short hash of the plan, so results name exactly which organisation they measured."""
    digest = hashlib.sha256()
    for employee in the_plan.people:
        digest.update(f"{employee.number}{employee.unit}{employee.manager}".encode())
    return digest.hexdigest()[:12]
