"""What reports count: each fact is one table of the read model (joined with the
client's profile where it concerns a client), with the dimensions it can be broken down
by and the measures it can count. Reports (`registry.py`) combine them by name.

Clients are counted by `survivor_id`: a profile merged into another counts as its
survivor, once. The demographic dimensions and filters read the survivor's profile.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from sqlalchemy import (
    Date,
    FromClause,
    Numeric,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.sql.elements import ColumnElement

from reporting.readmodel.models import (
    RptAgreement,
    RptAttendance,
    RptClient,
    RptContact,
    RptEnrolment,
    RptGroup,
    RptReferral,
    RptService,
    RptSupport,
    RptTask,
)

Expr = ColumnElement[Any]
LabelSource = Literal["program", "staff", "agreement"]

# Age groups: the bands of anonymous profiles' age ranges (clients' own list), so named
# and anonymous clients land in the same groups.
AGE_GROUPS: tuple[str, ...] = ("0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65+")
UNKNOWN_AGE = "Unknown"

# The report's period, bound when it runs (`repository.aggregate`): for facts whose rows
# belong to a period otherwise than by one date (`Fact.period`) and for measures taken
# as of its end.
PERIOD_FROM = bindparam("period_from", type_=Date)
PERIOD_TO = bindparam("period_to", type_=Date)


@dataclass(frozen=True)
class Dimension:
    key: str
    title_en: str
    title_fr: str
    expr: Expr
    # Ids turned into names after the query (programs, staff, agreements).
    labels: LabelSource | None = None
    # "key": rows in the dimension's own order (months); "measure": biggest first.
    order: Literal["key", "measure"] = "measure"
    # Coded values read through `labels.vocabularies()[vocabulary]`.
    vocabulary: str | None = None


@dataclass(frozen=True)
class Measure:
    key: str
    title_en: str
    title_fr: str
    expr: Expr
    kind: Literal["count", "rate"] = "count"


@dataclass(frozen=True)
class Fact:
    key: str
    source: FromClause
    agency: Expr
    date: Expr
    dimensions: dict[str, Dimension]
    measures: dict[str, Measure]
    program: Expr | None = None
    program_is_array: bool = False
    worker: Expr | None = None
    funder_ids: Expr | None = None
    funder_names: Expr | None = None
    # The survivor's profile (demographic filters), when the fact concerns clients.
    person: Any | None = None
    # Conditions every row of the fact meets.
    base_where: tuple[Expr, ...] = ()
    # The agreement a row is counted under, when the fact is joined with agreements.
    agreement: Expr | None = None
    # Whether an agreement (its programs and dates) can select the fact's rows.
    by_agreement: bool = True
    # The rows of the period (with `PERIOD_FROM`, `PERIOD_TO`), when it is not `date`
    # within the period.
    period: Expr | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_clients(self) -> bool:
        return self.person is not None


# --- shared expressions ---------------------------------------------------------------


def constant(value: str | int) -> Expr:
    """A constant written into the SQL text rather than bound: a dimension's expression
    must read the same in the select list, GROUPING SETS and GROUPING(), and two bound
    copies of one value are two different parameters to PostgreSQL. Our own constants
    only, never input."""
    if isinstance(value, int):
        return literal_column(str(int(value)))
    return literal_column("'" + value.replace("'", "''") + "'")


def month_of(date: Expr) -> Expr:
    return func.to_char(date, constant("YYYY-MM"))


def age_group(person: Any, at: Expr) -> Expr:
    """The client's age group on the fact's date: from the date of birth when known,
    else the anonymous profile's age range, else Unknown."""
    years = func.date_part(constant("year"), func.age(cast(at, Date), person.c.birth_date))
    bands = [
        (years < constant(int(band.split("-")[1]) + 1), constant(band))
        for band in AGE_GROUPS
        if "-" in band
    ]
    from_birth = case(*bands, else_=constant(AGE_GROUPS[-1]))
    return case(
        (person.c.birth_date.is_not(None), from_birth),
        (person.c.age_range.is_not(None), person.c.age_range),
        else_=constant(UNKNOWN_AGE),
    )


def _count_if(condition: Expr) -> Expr:
    return func.count().filter(condition)


def _sum(expr: Expr) -> Expr:
    return func.coalesce(func.sum(expr), 0)


def client_dimensions(person: Any, at: Expr) -> dict[str, Dimension]:
    dims = [
        Dimension("gender", "Gender", "Genre", person.c.gender),
        Dimension("age_group", "Age group", "Groupe d'âge", age_group(person, at), order="key"),
        Dimension(
            "immigration_status",
            "Immigration status",
            "Statut d'immigration",
            person.c.immigration_status,
        ),
        Dimension(
            "immigration_category",
            "Immigration category",
            "Catégorie d'immigration",
            person.c.immigration_category,
        ),
        Dimension(
            "country_of_birth", "Country of birth", "Pays de naissance", person.c.country_of_birth
        ),
        Dimension(
            "official_language",
            "Official language",
            "Langue officielle",
            person.c.official_language,
        ),
        Dimension(
            "client_kind",
            "Named or anonymous",
            "Nominatif ou anonyme",
            person.c.kind,
            vocabulary="client_kind",
        ),
    ]
    return {d.key: d for d in dims}


def _dims(*dims: Dimension, extra: dict[str, Dimension] | None = None) -> dict[str, Dimension]:
    return {**{d.key: d for d in dims}, **(extra or {})}


def _measures(*measures: Measure) -> dict[str, Measure]:
    return {m.key: m for m in measures}


def _with_person(base: FromClause, client_id: Expr, name: str) -> tuple[FromClause, Any, Expr]:
    """`base` left-joined with the client's profile and the survivor's: (from, person,
    the survivor's id). A client not known yet counts under its own id."""
    clients = RptClient.__table__
    link = clients.alias(f"{name}_link")
    person = clients.alias(f"{name}_person")
    source = base.outerjoin(link, link.c.id == client_id).outerjoin(
        person, person.c.id == link.c.survivor_id
    )
    return source, person, func.coalesce(link.c.survivor_id, client_id)


class _Delivery(TypedDict):
    program: Expr
    worker: Expr
    funder_ids: Expr
    funder_names: Expr


def _delivered(table: Any) -> _Delivery:
    """A session-delivery table's (`readmodel.models.Delivered`) program, worker and
    funders, as a fact names them."""
    return _Delivery(
        program=table.c.program_id,
        worker=table.c.worker_id,
        funder_ids=table.c.funder_ids,
        funder_names=table.c.funder_names,
    )


def _program(key: str = "program", expr: Expr | None = None) -> Dimension:
    assert expr is not None
    return Dimension(key, "Program", "Programme", expr, labels="program")


def _worker(expr: Expr, title_en: str = "Worker", title_fr: str = "Intervenant") -> Dimension:
    return Dimension("worker", title_en, title_fr, expr, labels="staff")


def _month(date: Expr) -> Dimension:
    return Dimension("month", "Month", "Mois", month_of(date), order="key")


def _session_type(
    expr: Expr, title_en: str = "Session type", title_fr: str = "Type de séance"
) -> Dimension:
    return Dimension("session_type", title_en, title_fr, expr, vocabulary="session_type")


def _form_key(expr: Expr) -> Dimension:
    return Dimension(
        "form_key", "Service form", "Formulaire de service", expr, vocabulary="form_key"
    )


def _course(code: Expr) -> Dimension:
    return Dimension("course", "Course", "Cours", code)


def _training_status(expr: Expr) -> Dimension:
    return Dimension(
        "training_status",
        "Training status",
        "Statut de formation",
        expr,
        vocabulary="training_status",
    )


def _clb_reached(skill: str, skill_en: str, skill_fr: str, expr: Expr) -> Dimension:
    """The CLB level reached in one skill, at exit."""
    return Dimension(
        f"{skill}_clb", f"{skill_en} CLB reached", f"NCLC {skill_fr} atteint", expr, order="key"
    )


def _unique_clients(survivor: Expr, among: Expr | None = None) -> Measure:
    """Clients counted once each (by survivor), optionally only the rows `among`."""
    count = func.count(func.distinct(survivor))
    return Measure(
        "clients",
        "Clients (unique)",
        "Clients (uniques)",
        count if among is None else count.filter(among),
    )


# --- the facts --------------------------------------------------------------------------


def _contacts() -> Fact:
    k = RptContact.__table__
    source, person, survivor = _with_person(k, k.c.client_id, "contact")
    return Fact(
        key="contacts",
        source=source,
        agency=k.c.agency_id,
        date=k.c.contact_date,
        **_delivered(k),
        person=person,
        dimensions=_dims(
            _program(expr=k.c.program_id),
            _month(k.c.contact_date),
            _session_type(k.c.session_type),
            Dimension(
                "source",
                "Service or group",
                "Service ou groupe",
                k.c.source,
                vocabulary="contact_source",
            ),
            _worker(k.c.worker_id),
            extra=client_dimensions(person, k.c.contact_date),
        ),
        measures=_measures(
            _unique_clients(survivor),
            Measure("contacts", "Client contacts", "Contacts clients", func.count()),
        ),
    )


def _registrations() -> Fact:
    c = RptClient.__table__
    return Fact(
        key="registrations",
        source=c,
        agency=c.c.agency_id,
        date=c.c.registered_on,
        program=c.c.program_ids,
        program_is_array=True,
        worker=c.c.registered_by,
        person=c,
        # Counted once: profiles merged into another are not new registrations, and a
        # merge placeholder (version 0) was never registered as far as reporting knows.
        base_where=(c.c.merged_into.is_(None), c.c.version > 0),
        dimensions=_dims(
            _month(c.c.registered_on),
            _worker(c.c.registered_by, "Registered by", "Inscrit par"),
            extra=client_dimensions(c, c.c.registered_on),
        ),
        measures=_measures(
            Measure("clients", "Clients registered", "Clients inscrits", func.count()),
            Measure("named", "Named", "Nominatifs", _count_if(c.c.kind == "named")),
            Measure("anonymous", "Anonymous", "Anonymes", _count_if(c.c.kind == "anonymous")),
        ),
    )


def _service_measures(s: Any, survivor: Expr) -> dict[str, Measure]:
    return _measures(
        Measure("services", "Services", "Services", func.count(func.distinct(s.c.id))),
        _unique_clients(survivor),
    )


def _service_source(name: str) -> tuple[Any, FromClause, Any, Expr]:
    s = RptService.__table__
    k = RptContact.__table__.alias(f"{name}_contacts")
    joined = s.outerjoin(k, and_(k.c.source == "service", k.c.source_id == s.c.id))
    source, person, survivor = _with_person(joined, k.c.client_id, name)
    return s, source, person, survivor


def _services() -> Fact:
    s, source, person, survivor = _service_source("service")
    return Fact(
        key="services",
        source=source,
        agency=s.c.agency_id,
        date=s.c.service_date,
        base_where=(s.c.status == "completed",),
        **_delivered(s),
        person=person,
        dimensions=_dims(
            _session_type(s.c.session_type),
            _form_key(s.c.form_key),
            Dimension(
                "delivery_mode",
                "Delivery",
                "Prestation",
                s.c.delivery_mode,
                vocabulary="delivery_mode",
            ),
            Dimension(
                "language_of_service",
                "Language of service",
                "Langue du service",
                s.c.language_of_service,
            ),
            _month(s.c.service_date),
            _worker(s.c.worker_id),
            _program(expr=s.c.program_id),
            extra=client_dimensions(person, s.c.service_date),
        ),
        measures=_service_measures(s, survivor),
    )


def funder_match(ids: Expr, names: Expr, funder_id: Expr, code: Expr, name: Expr) -> Expr:
    """A session funded by the funder: by identity's id, or by the name shown on the
    session (sessions may name a funder without its id)."""
    return or_(
        ids.contains(cast(array([funder_id]), ARRAY(PgUUID(as_uuid=True)))),
        names.overlap(cast(array([code, name]), ARRAY(Text))),
    )


def _service_agreements() -> Fact:
    s, source, person, survivor = _service_source("funded")
    agreements = RptAgreement.__table__
    # One row per (agreement, program): services then join on equal program ids (a hash
    # join), not on `program_id = ANY(program_ids)`, which PostgreSQL cannot estimate.
    a = select(
        agreements.c.id,
        agreements.c.agency_id,
        agreements.c.funder_id,
        agreements.c.funder_code,
        agreements.c.funder_name,
        agreements.c.starts_on,
        agreements.c.ends_on,
        func.unnest(agreements.c.program_ids).label("program_id"),
    ).subquery("agreement_programs")  # fmt: skip
    joined = source.join(
        a,
        and_(
            a.c.agency_id == s.c.agency_id,
            a.c.program_id == s.c.program_id,
            s.c.service_date.between(a.c.starts_on, a.c.ends_on),
            funder_match(s.c.funder_ids, s.c.funder_names, a.c.funder_id, a.c.funder_code,
                         a.c.funder_name),
        ),
    )  # fmt: skip
    return Fact(
        key="service_agreements",
        source=joined,
        agency=s.c.agency_id,
        date=s.c.service_date,
        base_where=(s.c.status == "completed",),
        **_delivered(s),
        person=person,
        agreement=a.c.id,
        dimensions=_dims(
            Dimension(
                "agreement",
                "Funding agreement",
                "Accord de financement",
                a.c.id,
                labels="agreement",
            ),
            Dimension("funder", "Funder", "Bailleur de fonds", a.c.funder_name),
            _program(expr=s.c.program_id),
            _month(s.c.service_date),
            _session_type(s.c.session_type),
        ),
        measures=_service_measures(s, survivor),
    )


def _drafts() -> Fact:
    s = RptService.__table__
    return Fact(
        key="drafts",
        source=s,
        agency=s.c.agency_id,
        date=s.c.service_date,
        **_delivered(s),
        base_where=(s.c.status == "draft",),
        dimensions=_dims(
            _worker(s.c.worker_id, "Author", "Auteur"),
            _form_key(s.c.form_key),
            _program(expr=s.c.program_id),
            _month(s.c.service_date),
        ),
        measures=_measures(
            Measure("drafts", "Open drafts", "Brouillons ouverts", func.count()),
            Measure(
                "oldest_days",
                "Days since the oldest was saved",
                "Jours depuis le plus ancien",
                func.coalesce(func.max(func.current_date() - cast(s.c.source_at, Date)), 0),
            ),
        ),
    )


def _groups() -> Fact:
    g = RptGroup.__table__
    return Fact(
        key="groups",
        source=g,
        agency=g.c.agency_id,
        date=g.c.session_date,
        **_delivered(g),
        dimensions=_dims(
            _session_type(g.c.session_type, "Activity type", "Type d'activité"),
            _program(expr=g.c.program_id),
            _month(g.c.session_date),
            _worker(g.c.worker_id),
        ),
        measures=_measures(
            Measure("activities", "Group activities", "Activités de groupe", func.count()),
            Measure("named", "Named attendees", "Participants nominatifs", _sum(g.c.named_count)),
            Measure(
                "anonymous",
                "Anonymous attendees",
                "Participants anonymes",
                _sum(g.c.anonymous_count),
            ),
            Measure(
                "attendance",
                "Total attendance",
                "Participation totale",
                _sum(g.c.named_count + g.c.anonymous_count),
            ),
            Measure(
                "attended",
                "Named, marked attended",
                "Nominatifs présents",
                _sum(g.c.attended_count),
            ),
        ),
    )


def _enrolment_source(name: str) -> tuple[Any, FromClause, Any, Expr]:
    e = RptEnrolment.__table__
    source, person, survivor = _with_person(e, e.c.client_id, name)
    return e, source, person, survivor


def _enrolments() -> Fact:
    e, source, person, survivor = _enrolment_source("enrolment")
    return Fact(
        key="enrolments",
        source=source,
        agency=e.c.agency_id,
        date=e.c.enrolled_on,
        program=e.c.program_id,
        worker=e.c.enrolled_by,
        person=person,
        dimensions=_dims(
            _course(e.c.course_code),
            Dimension("status", "Status", "Statut", e.c.status, vocabulary="enrolment_status"),
            _training_status(e.c.training_status),
            _month(e.c.enrolled_on),
            _program(expr=e.c.program_id),
            extra=client_dimensions(person, e.c.enrolled_on),
        ),
        measures=_measures(
            Measure("enrolments", "Enrolments", "Inscriptions", func.count()),
            _unique_clients(survivor),
            Measure("exited", "Exited", "Sortis", _count_if(e.c.status == "exited")),
        ),
    )


def _exits() -> Fact:
    e, source, person, _ = _enrolment_source("exit")
    return Fact(
        key="exits",
        source=source,
        agency=e.c.agency_id,
        date=e.c.exit_date,
        program=e.c.program_id,
        worker=e.c.enrolled_by,
        person=person,
        base_where=(e.c.exit_date.is_not(None),),
        dimensions=_dims(
            _training_status(e.c.training_status),
            Dimension(
                "exit_reason",
                "Reason for leaving",
                "Raison du départ",
                e.c.exit_reason,
                vocabulary="exit_reason",
            ),
            _clb_reached("listening", "Listening", "écoute", e.c.listening_clb),
            _clb_reached("speaking", "Speaking", "expression orale", e.c.speaking_clb),
            _clb_reached("reading", "Reading", "lecture", e.c.reading_clb),
            _clb_reached("writing", "Writing", "écriture", e.c.writing_clb),
            _course(e.c.course_code),
            extra=client_dimensions(person, e.c.exit_date),
        ),
        measures=_measures(
            Measure("exits", "Exits", "Sorties", func.count()),
            Measure(
                "completed",
                "Completed the course",
                "Cours terminé",
                _count_if(e.c.training_status == "completed_the_course"),
            ),
            Measure(
                "certificates",
                "Certificates issued",
                "Certificats délivrés",
                _count_if(e.c.certificate_issued.is_(true())),
            ),
        ),
    )


def _attendance() -> Fact:
    a = RptAttendance.__table__
    source, person, survivor = _with_person(a, a.c.client_id, "attendance")
    attended = a.c.status.in_(("present", "late"))
    rate = func.round(cast(_count_if(attended), Numeric) / func.nullif(func.count(), 0), 3)
    return Fact(
        key="attendance",
        source=source,
        agency=a.c.agency_id,
        date=a.c.class_date,
        program=a.c.program_id,
        worker=a.c.worker_id,
        person=person,
        dimensions=_dims(
            _course(a.c.course_code),
            _month(a.c.class_date),
            Dimension("status", "Mark", "Présence", a.c.status, vocabulary="attendance"),
            extra=client_dimensions(person, a.c.class_date),
        ),
        measures=_measures(
            Measure("marks", "Attendance marks", "Présences notées", func.count()),
            _unique_clients(survivor),
            Measure("present", "Present", "Présent", _count_if(a.c.status == "present")),
            Measure("late", "Late", "En retard", _count_if(a.c.status == "late")),
            Measure("absent", "Absent", "Absent", _count_if(a.c.status == "absent")),
            Measure("excused", "Excused", "Excusé", _count_if(a.c.status == "excused")),
            Measure("attendance_rate", "Attendance rate", "Taux de présence", rate, kind="rate"),
            Measure("hours", "Hours attended", "Heures de présence", _sum(a.c.hours_attended)),
        ),
    )


def _referrals() -> Fact:
    r = RptReferral.__table__
    source, person, survivor = _with_person(r, r.c.client_id, "referral")
    open_ = r.c.status.in_(("sent", "accepted", "service_started"))
    return Fact(
        key="referrals",
        source=source,
        agency=r.c.agency_id,
        date=r.c.created_on,
        program=r.c.program_id,
        worker=r.c.referred_by,
        person=person,
        dimensions=_dims(
            Dimension("status", "Status", "Statut", r.c.status, vocabulary="referral_status"),
            Dimension(
                "kind",
                "Internal or external",
                "Interne ou externe",
                r.c.kind,
                vocabulary="referral_kind",
            ),
            Dimension("partner", "Partner", "Partenaire", r.c.partner_name),
            _program("to_program", r.c.to_program_id),
            Dimension("need", "Need", "Besoin", r.c.need),
            Dimension("outcome", "Outcome", "Résultat", r.c.outcome),
            _month(r.c.created_on),
            _worker(r.c.referred_by, "Referred by", "Référé par"),
            extra=client_dimensions(person, r.c.created_on),
        ),
        measures=_measures(
            Measure("referrals", "Referrals", "Références", func.count()),
            _unique_clients(survivor),
            Measure("open", "Open", "En cours", _count_if(open_)),
            Measure("completed", "Completed", "Terminées", _count_if(r.c.status == "completed")),
            Measure("declined", "Declined", "Refusées", _count_if(r.c.status == "declined")),
        ),
    )


def _tasks() -> Fact:
    """Tasks that were open at some time in the period: created by its end and not
    closed (done or cancelled) before its start. Measured as of the period's end: still
    open, overdue (still open and due before the end), done in the period.

    A task's current state is all reporting knows: a task reopened after the period
    counts as open through it, and its current due date and assignee are the ones used.
    """
    t = RptTask.__table__
    open_at_end = or_(t.c.closed_on.is_(None), t.c.closed_on > PERIOD_TO)
    overdue = and_(open_at_end, t.c.due_date < PERIOD_TO)
    return Fact(
        key="tasks",
        source=t,
        agency=t.c.agency_id,
        date=t.c.due_date,
        period=and_(
            t.c.created_on <= PERIOD_TO, or_(t.c.closed_on.is_(None), t.c.closed_on >= PERIOD_FROM)
        ),
        program=t.c.program_id,
        worker=t.c.assignee_id,
        # A task is no funded service: an agreement's dates say nothing of it.
        by_agreement=False,
        dimensions=_dims(
            _worker(t.c.assignee_id, "Assigned to", "Assignée à"),
            _program(expr=t.c.program_id),
            Dimension(
                "priority", "Priority", "Priorité", t.c.priority, vocabulary="task_priority"
            ),
            Dimension("month", "Month due", "Mois d'échéance", month_of(t.c.due_date), order="key"),
        ),
        measures=_measures(
            Measure("tasks", "Tasks open in the period", "Tâches ouvertes dans la période",
                    func.count()),
            Measure("overdue", "Overdue at the end", "En retard à la fin", _count_if(overdue)),
            Measure("open", "Open at the end", "Ouvertes à la fin", _count_if(open_at_end)),
            Measure(
                "done",
                "Done in the period",
                "Terminées dans la période",
                _count_if(and_(t.c.status == "done", t.c.closed_on <= PERIOD_TO)),
            ),
            Measure(
                "oldest_overdue_days",
                "Days the oldest is overdue",
                "Jours de retard de la plus ancienne",
                # asyncpg sends date.max / date.min as ±infinity, which PostgreSQL cannot
                # subtract: an open-ended period (or a due date stored so) has no age.
                func.coalesce(
                    func.max(PERIOD_TO - t.c.due_date).filter(
                        and_(overdue, func.isfinite(PERIOD_TO), func.isfinite(t.c.due_date))
                    ),
                    0,
                ),
            ),
        ),
    )  # fmt: skip


def _support() -> Fact:
    s = RptSupport.__table__
    source, person, survivor = _with_person(s, s.c.client_id, "support")
    return Fact(
        key="support",
        source=source,
        agency=s.c.agency_id,
        date=s.c.session_date,
        **_delivered(s),
        person=person,
        dimensions=_dims(
            _program(expr=s.c.program_id),
            _month(s.c.session_date),
            _worker(s.c.worker_id),
            extra=client_dimensions(person, s.c.session_date),
        ),
        measures=_measures(
            _unique_clients(
                survivor,
                among=or_(
                    s.c.childminding > 0,
                    s.c.transportation,
                    s.c.disability_support,
                    s.c.translation,
                    s.c.interpretation,
                    s.c.crisis_counselling,
                ),
            ),
            Measure("childminding", "Children minded", "Enfants gardés", _sum(s.c.childminding)),
            Measure("transportation", "Transportation", "Transport", _count_if(s.c.transportation)),
            Measure(
                "disability_support",
                "Disability support",
                "Soutien aux personnes handicapées",
                _count_if(s.c.disability_support),
            ),
            Measure("translation", "Translation", "Traduction", _count_if(s.c.translation)),
            Measure(
                "interpretation", "Interpretation", "Interprétation", _count_if(s.c.interpretation)
            ),
            Measure(
                "crisis_counselling",
                "Crisis counselling",
                "Counseling de crise",
                _count_if(s.c.crisis_counselling),
            ),
        ),
    )


FACT_BUILDERS: dict[str, Callable[[], Fact]] = {
    "contacts": _contacts,
    "registrations": _registrations,
    "services": _services,
    "service_agreements": _service_agreements,
    "drafts": _drafts,
    "groups": _groups,
    "enrolments": _enrolments,
    "exits": _exits,
    "attendance": _attendance,
    "referrals": _referrals,
    "tasks": _tasks,
    "support": _support,
}
FACTS: dict[str, Fact] = {key: build() for key, build in FACT_BUILDERS.items()}

__all__ = ["AGE_GROUPS", "FACTS", "UNKNOWN_AGE", "Dimension", "Fact", "Measure"]
