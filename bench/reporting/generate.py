"""Synthetic read-model rows for the reporting benchmark: one agency's year, at the
volume of a large settlement agency, written straight into the `rpt_*` tables.

Per agency (defaults): 8,000 clients (5 % anonymous, a few merged; half registered in
the year), 50,000 completed service forms over 12 months (1-3 clients each, most 1) and
500 open drafts, 800 group activities with
named and anonymous attendees, 40 language courses (18 enrolled each, 3 classes a week,
exits with CLB levels), 3,000 referrals, 5,000 support-service records, 2 programs,
25 workers and a funding agreement. Values are drawn from the real code lists, the
common ones more often. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from reference import code_lists

YEAR_START = dt.date(2026, 4, 1)
DAYS = 365
SESSION_TYPES = ("direct_service",) * 6 + (
    "direct_service_job_development",
    "direct_service_finance",
)
FORMS = {
    "direct_service": ("needs_assessment", "information_orientation", "employment",
                       "non_specified", "community_connection", "language_assessment"),
    "direct_service_job_development": ("jd_needs_assessment", "jd_update_progress",
                                       "jd_job_placement"),
    "direct_service_finance": ("financial_services_outcomes",),
}  # fmt: skip
GROUP_TYPES = ("io_group_activity", "cc_group_activity", "employment_group_activity")
TRAINING = ("completed_the_course", "exited_the_course_before_completing", "still_attending")
STATUSES = ("sent", "accepted", "declined", "service_started", "completed", "closed")
NEEDS = ("Housing", "Food security", "Legal advice", "Employment", "Health", "Childcare")
PARTNERS = ("Food Bank", "Legal Clinic", "Community Health Centre", "YMCA", None)


_CUMULATIVE: dict[tuple[int, float], list[float]] = {}


def _zipf(rng: random.Random, values: list[Any], s: float = 1.1) -> Any:
    """One of `values`, the first ones more often (Zipf weights, cached per size)."""
    key = (len(values), s)
    if key not in _CUMULATIVE:
        total, cumulative = 0.0, []
        for i in range(len(values)):
            total += 1 / (i + 1) ** s
            cumulative.append(total)
        _CUMULATIVE[key] = cumulative
    return rng.choices(values, cum_weights=_CUMULATIVE[key])[0]


@dataclass
class AgencyRows:
    agency_id: uuid.UUID
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


# Column order of each table as the COPY writes it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "rpt_programs": ("id", "agency_id", "name", "code", "active", "source_at"),
    "rpt_staff": ("id", "agency_id", "given_name", "family_name", "role", "program_ids",
                  "active", "source_at"),
    "rpt_agreements": ("id", "agency_id", "funder_id", "funder_code", "funder_name",
                       "agreement_number", "title", "program_ids", "starts_on", "ends_on",
                       "source_at"),
    "rpt_clients": ("id", "agency_id", "kind", "restricted", "gender", "birth_date",
                    "age_range", "immigration_status", "immigration_category",
                    "country_of_birth", "official_language", "other_languages",
                    "target_groups", "program_ids", "registered_on", "registered_by",
                    "merged_into", "merge_id", "survivor_id", "version", "source_at"),
    "rpt_services": ("id", "agency_id", "session_id", "session_type", "form_key",
                     "service_date", "delivery_mode", "language_of_service", "worker_id",
                     "program_id", "funder_ids", "funder_names", "client_ids", "client_count",
                     "private", "status", "version", "source_at"),
    "rpt_contacts": ("source", "source_id", "client_id", "agency_id", "contact_date",
                     "session_type", "worker_id", "program_id", "funder_ids", "funder_names"),
    "rpt_groups": ("id", "agency_id", "session_type", "session_date", "worker_id",
                   "program_id", "funder_ids", "funder_names", "named_count",
                   "attended_count", "anonymous_count", "source_at"),
    "rpt_courses": ("id", "agency_id", "program_id", "code", "capacity", "start_date",
                    "end_date", "teacher_id", "source_at"),
    "rpt_enrolments": ("id", "agency_id", "course_id", "course_code", "program_id",
                       "client_id", "enrolled_by", "status", "enrolled_on", "training_status",
                       "exit_reason", "exit_date", "listening_clb", "speaking_clb",
                       "reading_clb", "writing_clb", "certificate_issued", "source_at"),
    "rpt_attendance": ("course_id", "class_date", "client_id", "agency_id", "course_code",
                       "program_id", "worker_id", "status"),
    "rpt_referrals": ("id", "agency_id", "client_id", "kind", "to_program_id", "partner_id",
                      "partner_name", "need", "status", "outcome", "referred_by",
                      "program_id", "created_on", "version", "source_at"),
    "rpt_support": ("session_id", "client_id", "agency_id", "session_date", "worker_id",
                    "program_id", "funder_ids", "funder_names", "childminding",
                    "transportation", "disability_support", "translation", "interpretation",
                    "crisis_counselling", "source_at"),
}  # fmt: skip


def generate_agency(
    seed: int, *, services: int = 50_000, clients: int = 8_000, workers: int = 25
) -> AgencyRows:
    rng = random.Random(seed)
    agency = uuid.UUID(int=rng.getrandbits(128))
    rows = AgencyRows(agency)
    now = dt.datetime(2027, 4, 1, tzinfo=dt.UTC)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def day() -> dt.date:
        return YEAR_START + dt.timedelta(days=rng.randrange(DAYS))

    programs = [new_id(), new_id()]
    for pid, name in zip(programs, ("Settlement Services", "Employment Services"), strict=True):
        rows.add("rpt_programs", (pid, agency, name, name[:6].upper(), True, now))
    staff = [new_id() for _ in range(workers)]
    for n, sid in enumerate(staff):
        rows.add("rpt_staff", (sid, agency, f"Worker{n}", "Bench", "caseworker",
                               [programs[n % 2]], True, now))  # fmt: skip
    funder = new_id()
    rows.add("rpt_agreements", (new_id(), agency, funder, "IRCC", "IRCC", "IRCC-BENCH",
                                "Settlement", programs, YEAR_START,
                                YEAR_START + dt.timedelta(days=DAYS - 1), now))  # fmt: skip
    funders = ([funder], ["IRCC"])

    genders = list(code_lists.get("gender"))
    statuses = list(code_lists.get("immigration_status"))
    countries = ["Syrian Arab Republic", "Afghanistan", "Ukraine", "India", "Philippines",
                 "China", "Nigeria", "Colombia", "Eritrea", "Mexico"]  # fmt: skip
    languages = ["Arabic", "Dari", "Ukrainian", "Punjabi", "Tagalog", "Mandarin", "Spanish"]
    targets = list(code_lists.get("target_group"))
    client_ids = [new_id() for _ in range(clients)]
    merged = set(rng.sample(range(clients), clients // 200))
    for n, cid in enumerate(client_ids):
        anonymous = rng.random() < 0.05
        birth = None if anonymous else dt.date(rng.randrange(1945, 2024), rng.randrange(1, 13), 1)
        into = client_ids[(n + 1) % clients] if n in merged else None
        rows.add("rpt_clients", (
            cid, agency, "anonymous" if anonymous else "named", False,
            _zipf(rng, genders, 2.0), birth,
            rng.choice(("0-14", "25-34", "35-44")) if anonymous else None,
            _zipf(rng, statuses), None, _zipf(rng, countries), "English",
            [_zipf(rng, languages)], rng.sample(targets, rng.randrange(0, 2)),
            [programs[n % 2]], YEAR_START + dt.timedelta(days=rng.randrange(-365, 365)),
            rng.choice(staff), into, new_id() if into else None, into or cid, 1, now,
        ))  # fmt: skip

    def some_clients() -> list[uuid.UUID]:
        k = rng.choices((1, 2, 3), (0.8, 0.15, 0.05))[0]
        return list(dict.fromkeys(_zipf(rng, client_ids, 0.6) for _ in range(k)))

    program_of = {sid: programs[n % 2] for n, sid in enumerate(staff)}
    for _ in range(services):
        stype = rng.choice(SESSION_TYPES)
        worker = rng.choice(staff)
        program = program_of[worker]
        when, fid, cids = day(), new_id(), some_clients()
        mode = rng.choice(("in_person", "phone", "online"))
        rows.add("rpt_services", (fid, agency, new_id(), stype, rng.choice(FORMS[stype]), when,
                                  mode, "English", worker, program, *funders, cids, len(cids),
                                  False, "completed", 1, now))  # fmt: skip
        for cid in cids:
            rows.add("rpt_contacts", ("service", fid, cid, agency, when, stype, worker, program,
                                      *funders))  # fmt: skip
    saved = dt.datetime.now(dt.UTC)  # drafts: last saved in the past 60 days
    for _ in range(services // 100):  # drafts not completed yet
        stype, worker = rng.choice(SESSION_TYPES), rng.choice(staff)
        rows.add("rpt_services", (new_id(), agency, new_id(), stype, rng.choice(FORMS[stype]),
                                  day(), "phone", "English", worker, program_of[worker],
                                  *funders, [rng.choice(client_ids)], 1, False, "draft", 0,
                                  saved - dt.timedelta(days=rng.randrange(0, 60))))  # fmt: skip
    for _ in range(services // 60):
        gid, when, worker = new_id(), day(), rng.choice(staff)
        program, stype = program_of[worker], rng.choice(GROUP_TYPES)
        named = rng.sample(client_ids, rng.randrange(3, 14))
        rows.add("rpt_groups", (gid, agency, stype, when, worker, program, *funders, len(named),
                                len(named) - 1, rng.randrange(0, 10), now))  # fmt: skip
        for cid in named:
            rows.add("rpt_contacts", ("group", gid, cid, agency, when, stype, worker, program,
                                      *funders))  # fmt: skip
    for c in range(40):
        course, start = new_id(), YEAR_START + dt.timedelta(days=rng.randrange(0, 200))
        teacher, code = rng.choice(staff), f"LINC-{c:03d}"
        rows.add("rpt_courses", (course, agency, programs[0], code, 20, start,
                                 start + dt.timedelta(days=100), teacher, now))  # fmt: skip
        students = rng.sample(client_ids, 18)
        for cid in students:
            status = rng.choice(TRAINING)
            exited = status != "still_attending"
            clb = [str(rng.randrange(2, 9)) if exited else None for _ in range(4)]
            rows.add("rpt_enrolments", (
                new_id(), agency, course, code, programs[0], cid, teacher,
                "exited" if exited else "enrolled", start,
                status if exited else None,
                "found_employment" if status.startswith("exited") else None,
                start + dt.timedelta(days=100) if exited else None, *clb,
                (status == "completed_the_course") if exited else None, now,
            ))  # fmt: skip
        for week in range(15):
            for d in (0, 2, 4):
                when = start + dt.timedelta(days=7 * week + d)
                for cid in students:
                    mark = rng.choices(("present", "late", "absent", "excused"), (85, 5, 7, 3))[0]
                    rows.add("rpt_attendance", (course, when, cid, agency, code, programs[0],
                                                teacher, mark))  # fmt: skip
    for _ in range(services // 16):
        status = rng.choice(STATUSES)
        partner = rng.choice(PARTNERS)
        rows.add("rpt_referrals", (
            new_id(), agency, rng.choice(client_ids), "external" if partner else "internal",
            None if partner else programs[1], None, partner, rng.choice(NEEDS), status,
            "Service received" if status == "completed" else None, rng.choice(staff),
            programs[0], day(), 1, now,
        ))  # fmt: skip
    for _ in range(services // 10):
        worker = rng.choice(staff)
        rows.add("rpt_support", (
            new_id(), rng.choice(client_ids), agency, day(), worker, program_of[worker],
            *funders, rng.choice((0, 0, 0, 1, 2)), rng.random() < 0.3, rng.random() < 0.05,
            rng.random() < 0.1, rng.random() < 0.2, rng.random() < 0.02, now,
        ))  # fmt: skip
    return rows
