"""Every service form of every session type, through the gateway, built from the form
catalog itself (`sessions.forms.catalog`): for each form

- a valid record: an answer to every question asked and required, derived from the
  definition (its first choice, its lowest number, its earliest date ...), completed;
- each required question left out: refused, naming exactly that question;
- each conditional rule ("shown when" / "required when"): the questions a rule shows
  are accepted once it holds and, when required, refused when left out; answered while
  the rule does not hold, they are refused, named;
- a value outside its list, for every choice question: refused, each one named.

Each form is sent where it is recorded. A session's own forms go to
POST /sessions/{id}/forms; the forms with their own flow (`sessions.forms.owned`, refused
there) go to it:

- a group attendee's form (`group_attendee`, `cc_attendee`): PUT .../attendees/{client}/form,
  each accepted case on an attendee of its own (a registered client added to the group);
- Course Open: POST /courses, each accepted case a course with a code of its own;
- Enrolment: POST /courses/{id}/enrolments, each accepted case a client of its own;
- Exit: PUT /courses/{id}/enrolments/{client}/exit, each accepted case an enrolled client
  of its own. Enrolment and Exit hold the course's own code: left out, it is filled in;
  another course's code is refused, named. Course Open and Exit keep no drafts (the
  positive conditional cases, complete records, are sent completed);
- Attendance: PUT /courses/{id}/attendance/{class_date} takes no answers: the class date
  is the path, the `attendance` answer is the list a client is marked in (`present`,
  `absent`, `excused`, `late`), and `hours_attended` is the client's entry in `hours`
  (named `hours.<client id>` when refused). Its cases are sent that way: a value outside
  the list is a list it does not have, refused, named.

One session per session type, and one group or course per owned form, is shared by all
the cases of the form; refusals create nothing (they go to an attendee or client kept
for them), and the positive conditional cases are drafts where the endpoint keeps drafts.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import httpx
import pytest

from forms import FormDefinition, Question, QuestionType, Rule
from sessions.forms import catalog, owned
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import SESSIONS, record_session, register

pytestmark = pytest.mark.e2e

DIRECT_TYPES = {"direct_service", "direct_service_job_development", "direct_service_finance"}
NOT_A_CHOICE = "zz_not_a_choice"

FORMS = [(session_type, key) for session_type, keys in catalog.SESSION_TYPES.items()
         for key in keys]  # fmt: skip


# --- answers derived from a definition ------------------------------------------------------


def sample(q: Question) -> Any:
    """A valid answer to `q`, from its own settings."""
    choices = [c.key for c in q.choices or () if not c.retired]
    if q.type == QuestionType.SINGLE_CHOICE:
        return choices[0]
    if q.type == QuestionType.MULTIPLE_CHOICE:
        return choices[: max(q.min_selections or 1, 1)]
    if q.type == QuestionType.YES_NO:
        return True
    if q.type == QuestionType.NUMBER:
        low = q.min_value if q.min_value is not None else 1
        return int(low) if q.integer or low == int(low) else str(low)
    if q.type == QuestionType.DATE:
        day = dt.date(2026, 11, 20)
        if q.min_date is not None and day < q.min_date:
            day = q.min_date
        if q.max_date is not None and day > q.max_date:
            day = q.max_date
        return day.isoformat()
    return "Sample"[: q.max_length or 6]


def _targets(rule: Rule) -> list[Any]:
    return [rule.equals] if rule.equals is not None else list(rule.one_of or ())


def holds(rule: Rule, answer: Any) -> bool:
    if rule.answered:
        return answer is not None
    if answer is None:
        return False
    targets = _targets(rule)
    if isinstance(answer, list):
        return any(t in answer for t in targets)
    return answer in targets


def visible(d: FormDefinition, q: Question, answers: dict[str, Any]) -> bool:
    rule = q.visible_when
    if rule is None:
        return True
    source = d.question(rule.question)
    assert source is not None
    return visible(d, source, answers) and holds(rule, answers.get(rule.question))


def matching(source: Question, rule: Rule) -> Any:
    """A value of `source` that makes `rule` hold."""
    if rule.answered:
        return sample(source)
    target = _targets(rule)[0]
    return [target] if source.type == QuestionType.MULTIPLE_CHOICE else target


def failing(source: Question, rule: Rule) -> tuple[bool, Any]:
    """(True, a value of `source` that makes `rule` fail; None: leave it unanswered), or
    (False, None) when every value makes it hold."""
    if rule.answered:
        return True, None
    targets = _targets(rule)
    if source.type == QuestionType.YES_NO:
        others: list[Any] = [v for v in (True, False) if v not in targets]
    else:
        others = [c.key for c in source.choices or () if not c.retired and c.key not in targets]
    if not others:
        return False, None
    return True, [others[0]] if source.type == QuestionType.MULTIPLE_CHOICE else others[0]


def shown_path(d: FormDefinition, q: Question) -> dict[str, Any]:
    """Answers to the questions `q` depends on (transitively) so that it is shown."""
    rule = q.visible_when
    if rule is None:
        return {}
    source = d.question(rule.question)
    assert source is not None
    return {**shown_path(d, source), source.key: matching(source, rule)}


def fill(
    d: FormDefinition, forced: dict[str, Any], omit: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`forced`, and an answer to every other required question shown given them."""
    answers: dict[str, Any] = {}
    for q in d.active:
        if q.key in forced:
            if forced[q.key] is not None:
                answers[q.key] = forced[q.key]
        elif q.key not in omit and q.required and visible(d, q, answers):
            answers[q.key] = sample(q)
    return answers


@dataclass
class Case:
    name: str
    answers: dict[str, Any]
    draft: bool
    # None: accepted (201); else the fields the 422 names, exactly.
    refused: list[str] | None = None


def _rule_groups(d: FormDefinition) -> dict[tuple[str, str], list[Question]]:
    groups: dict[tuple[str, str], list[Question]] = {}
    for q in d.active:
        if q.visible_when is not None:
            rule = q.visible_when
            groups.setdefault((rule.question, repr(rule)), []).append(q)
    return groups


def valid_case(d: FormDefinition) -> Case:
    return Case("valid", fill(d, {}), draft=False)


def required_cases(d: FormDefinition) -> Iterator[Case]:
    complete = fill(d, {})
    for q in d.active:
        if q.required and q.key in complete:
            yield Case(
                f"missing {q.key}", fill(d, {}, frozenset({q.key})), False, [f"answers.{q.key}"]
            )


def conditional_cases(d: FormDefinition) -> Iterator[Case]:
    for (source_key, _), shown in _rule_groups(d).items():
        source = d.question(source_key)
        assert source is not None
        rule = shown[0].visible_when
        assert rule is not None
        path = {**shown_path(d, source), source.key: matching(source, rule)}
        base = fill(d, path)
        # Shown when the rule holds: every question it shows is accepted.
        yield Case(
            f"shown when {source.key} {rule}",
            {**base, **{q.key: sample(q) for q in shown if q.key not in path}},
            draft=True,
        )
        # Required when the rule holds: left out, refused and named.
        for q in shown:
            if q.required:
                yield Case(
                    f"{q.key} required when {source.key} {rule}",
                    fill(d, path, frozenset({q.key})),
                    draft=False,
                    refused=[f"answers.{q.key}"],
                )
        # Not shown when it does not hold: an answer to any of them is refused, named.
        possible, other = failing(source, rule)
        if possible:
            hidden = fill(d, {**shown_path(d, source), source.key: other})
            asked = [q for q in shown if not visible(d, q, hidden)]
            yield Case(
                f"hidden unless {source.key} {rule}",
                {**hidden, **{q.key: sample(q) for q in asked}},
                draft=True,
                refused=sorted(f"answers.{q.key}" for q in asked),
            )


def out_of_list_cases(d: FormDefinition) -> list[Case]:
    """Every choice question with a value outside its list, in one case per set of
    answers that shows it (the questions shown unconditionally together)."""
    by_path: dict[str, tuple[dict[str, Any], list[Question]]] = {}
    for q in d.active:
        if q.choices:
            path = shown_path(d, q)
            by_path.setdefault(repr(sorted(path.items())), (path, []))[1].append(q)
    cases = []
    for path, questions in by_path.values():
        wrong = {
            q.key: [NOT_A_CHOICE] if q.type == QuestionType.MULTIPLE_CHOICE else NOT_A_CHOICE
            for q in questions
        }
        cases.append(
            Case(
                f"outside their lists given {path}",
                {**fill(d, path), **wrong},
                draft=False,
                refused=sorted(f"answers.{k}" for k in wrong),
            )
        )
    return cases


def all_cases(d: FormDefinition) -> list[Case]:
    """Every case derived from `d` (a blank record when nothing is required)."""
    required = list(required_cases(d)) or [Case("blank", {}, draft=False)]
    return [valid_case(d), *required, *conditional_cases(d), *out_of_list_cases(d)]


# --- where each form is recorded ------------------------------------------------------------

COURSES = "/api/sessions/courses"
# The courses' dates: every date a case samples falls inside them.
START, END = "2026-09-07", "2026-12-18"
# Stands for the course's own code in a case's answers (a fresh one for Course Open).
THIS_COURSE = "<this course>"
OTHER_COURSE = "ANOTHER-COURSE"


def _fields(response: httpx.Response) -> list[str]:
    if response.status_code != 422:
        return []
    return sorted(f["field"] for f in response.json().get("error", {}).get("fields", []))


@dataclass
class Outcome:
    """What the endpoint answered: what it stored, or the fields its 422 named."""

    response: httpx.Response
    stored: dict[str, Any] | None = None  # the answers kept, when accepted
    completed: bool = False  # kept completed (else a draft)
    where: str = ""  # where the record is read back


@dataclass
class Places:
    """The module's worker, program and clients, and what the forms are filled in."""

    amal: GatewayClient
    program: str
    client_id: str  # the direct services' client
    pool: list[str]  # registered clients: attendees, enrolled students
    sessions: dict[str, str] = field(default_factory=dict)


def session_of(places: Places, session_type: str) -> str:
    """One session of the type for the module (the valid record of the session type)."""
    if session_type not in places.sessions:
        body = {
            "type": session_type, "date": "2026-11-20", "start_time": "09:30",
            "end_time": "11:00", "location": "Maple office", "postal_code": "M5V 2T6",
            "delivery_mode": "in_person", "language_of_service": "English",
            "program_id": places.program, "funders": [{"name": "IRCC"}],
            "client_ids": [places.client_id] if session_type in DIRECT_TYPES else [],
        }  # fmt: skip
        response = record_session(places.amal, body)
        assert response.status_code == 201, response.text
        assert response.json()["type"] == session_type
        places.sessions[session_type] = response.json()["id"]
    return places.sessions[session_type]


def new_course(places: Places) -> str:
    """A course of 20 spots from START to END, set up with a derived Course Open form."""
    answers = fill(
        catalog.definition(owned.COURSE_OPEN),
        {"course_cd": f"E2E-{uuid.uuid4().hex[:8].upper()}", "start_dt": START, "end_dt": END,
         "total_spots_num": "20", "total_cic_funded_spots_num": "20"},
    )  # fmt: skip
    response = places.amal.post(COURSES, json={"program_id": places.program, "answers": answers})
    assert response.status_code == 201, response.text
    course_id: str = response.json()["id"]
    return course_id


def enrol(places: Places, course_id: str, client_id: str) -> None:
    """The client enrolled, with a derived Enrolment form (first class: START)."""
    answers = fill(
        catalog.definition(owned.COURSE_ENROLMENT), {"course_cd": None, "first_class_dt": START}
    )
    response = places.amal.post(
        f"{COURSES}/{course_id}/enrolments", json={"client_id": client_id, "answers": answers}
    )
    assert response.status_code == 201, response.text


class Flow:
    """Sends a form's cases to where the form is recorded (a session's own forms: POST
    /sessions/{id}/forms)."""

    # Whether the endpoint keeps drafts; answers it fills in itself.
    drafts: ClassVar[bool] = True
    fills: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, places: Places, session_type: str, form_key: str) -> None:
        self.places, self.session_type, self.form_key = places, session_type, form_key
        self.amal = places.amal
        self._used = 0

    @classmethod
    def adapt(cls, case: Case) -> list[Case]:
        """The case as this endpoint takes it."""
        return [case if cls.drafts else replace(case, draft=False)]

    def send(self, case: Case) -> Outcome:
        session_id = session_of(self.places, self.session_type)
        body = {"form_key": self.form_key, "answers": case.answers, "draft": case.draft}
        response = self.amal.post(f"{SESSIONS}/{session_id}/forms", json=body)
        if response.status_code != 201:
            return Outcome(response)
        form = response.json()
        return Outcome(
            response, form["answers"], form["status"] == "completed",
            f"{SESSIONS}/{session_id}/forms/{form['id']}",
        )  # fmt: skip

    def read_back(self, where: str) -> tuple[bool, int]:
        """(completed, definition version) of the record at `where`."""
        form = self.amal.get(where).json()
        return form["status"] == "completed", form["definition_version"]

    def named(self, response: httpx.Response) -> list[str]:
        """The fields a refusal names, as the cases name them."""
        return _fields(response)

    def client_for(self, case: Case) -> str:
        """A client of its own for a case that records something; the last of the pool,
        never recorded, for the refusals."""
        if case.refused is not None:
            return self.places.pool[-1]
        assert self._used < len(self.places.pool) - 1, "the pool is too small"
        self._used += 1
        return self.places.pool[self._used - 1]


class AttendeeFlow(Flow):
    """A named attendee's form: every client of the pool attends the group."""

    def __init__(self, places: Places, session_type: str, form_key: str) -> None:
        super().__init__(places, session_type, form_key)
        self.session_id = session_of(places, session_type)
        self.attendees = f"{SESSIONS}/{self.session_id}/attendees"
        added = self.amal.post(self.attendees, json={"client_ids": places.pool})
        assert added.status_code == 201, added.text
        assert added.json()["attendee_form_key"] == form_key

    def send(self, case: Case) -> Outcome:
        client = self.client_for(case)
        body = {"answers": case.answers, "draft": case.draft}
        response = self.amal.put(f"{self.attendees}/{client}/form", json=body)
        if response.status_code != 200:
            return Outcome(response)
        form = response.json()["form"]
        assert form["form_key"] == self.form_key
        return Outcome(
            response, form["answers"], form["status"] == "completed", f"{self.attendees}/{client}"
        )

    def read_back(self, where: str) -> tuple[bool, int]:
        form = self.amal.get(where).json()["form"]
        return form["status"] == "completed", form["definition_version"]


class CourseOpenFlow(Flow):
    """Course Open: each accepted case a course of its own (a fresh code); no drafts."""

    drafts = False

    @classmethod
    def adapt(cls, case: Case) -> list[Case]:
        [case] = super().adapt(case)
        if "course_cd" in case.answers:
            case = replace(case, answers={**case.answers, "course_cd": THIS_COURSE})
        return [case]

    def send(self, case: Case) -> Outcome:
        answers = dict(case.answers)
        if answers.get("course_cd") == THIS_COURSE:
            answers["course_cd"] = f"E2E-{uuid.uuid4().hex[:8].upper()}"
        body = {"program_id": self.places.program, "answers": answers}
        response = self.amal.post(COURSES, json=body)
        if response.status_code != 201:
            return Outcome(response)
        course = response.json()
        return Outcome(response, course["answers"], True, f"{COURSES}/{course['id']}")

    def read_back(self, where: str) -> tuple[bool, int]:
        return True, self.amal.get(where).json()["definition_version"]


class CourseFormFlow(Flow):
    """A form of a course (Enrolment, Exit): it holds the course's own code, filled in
    when left out, refused when another's."""

    fills = frozenset({"course_cd"})

    def __init__(self, places: Places, session_type: str, form_key: str) -> None:
        super().__init__(places, session_type, form_key)
        self.course_id = new_course(places)
        self.course = f"{COURSES}/{self.course_id}"
        self.code: str = self.amal.get(self.course).json()["code"]

    @classmethod
    def adapt(cls, case: Case) -> list[Case]:
        [case] = super().adapt(case)
        if "course_cd" in case.answers:
            return [replace(case, answers={**case.answers, "course_cd": THIS_COURSE})]
        if case.refused != ["answers.course_cd"]:
            return [case]
        return [
            replace(case, name=f"{case.name}: the course's, filled in", refused=None),
            replace(
                case,
                name=f"{case.name}: another course's, refused",
                answers={**case.answers, "course_cd": OTHER_COURSE},
            ),
        ]

    def answers(self, case: Case) -> dict[str, Any]:
        answers = dict(case.answers)
        if answers.get("course_cd") == THIS_COURSE:
            answers["course_cd"] = self.code
        return answers


class EnrolmentFlow(CourseFormFlow):
    """Enrolment: each accepted case a client of the pool enrolled in the course."""

    def send(self, case: Case) -> Outcome:
        client = self.client_for(case)
        body = {"client_id": client, "answers": self.answers(case), "draft": case.draft}
        response = self.amal.post(f"{self.course}/enrolments", json=body)
        if response.status_code != 201:
            return Outcome(response)
        form = response.json()["form"]
        return Outcome(
            response, form["answers"], form["status"] == "completed",
            f"{self.course}/enrolments/{client}",
        )  # fmt: skip

    def read_back(self, where: str) -> tuple[bool, int]:
        form = self.amal.get(where).json()["form"]
        return form["status"] == "completed", form["definition_version"]


class ExitFlow(CourseFormFlow):
    """Exit: every client of the pool enrolled; each accepted case exits one. No drafts."""

    drafts = False

    def __init__(self, places: Places, session_type: str, form_key: str) -> None:
        super().__init__(places, session_type, form_key)
        for client in places.pool:
            enrol(places, self.course_id, client)

    def send(self, case: Case) -> Outcome:
        client = self.client_for(case)
        where = f"{self.course}/enrolments/{client}"
        response = self.amal.put(f"{where}/exit", json={"answers": self.answers(case)})
        if response.status_code != 200:
            return Outcome(response)
        return Outcome(response, response.json()["exit"]["answers"], True, where)

    def read_back(self, where: str) -> tuple[bool, int]:
        enrolment = self.amal.get(where).json()
        return enrolment["status"] == "exited", enrolment["exit"]["definition_version"]


class AttendanceFlow(Flow):
    """Attendance: PUT /courses/{id}/attendance/{class_date} takes no answers. The class
    date is its path; the `attendance` answer, the list the class's one client is marked
    in; `hours_attended`, the client's entry in `hours`; any other answer is sent as a
    field of that name, which it does not have."""

    drafts = False
    DATE, STATUS, HOURS = "class_date", "attendance", "hours_attended"
    # How the endpoint names the client's hours (`hours.<client id>`), whoever the client.
    HOURS_FIELD = "hours.<client>"
    # Named by the endpoint when no client is marked (the `attendance` answer left out).
    UNMARKED = "present"

    def __init__(self, places: Places, session_type: str, form_key: str) -> None:
        super().__init__(places, session_type, form_key)
        self.course_id = new_course(places)
        self.course = f"{COURSES}/{self.course_id}"
        self.client = places.pool[0]
        enrol(places, self.course_id, self.client)

    @classmethod
    def adapt(cls, case: Case) -> list[Case]:
        [case] = super().adapt(case)
        untaken = sorted(k for k in case.answers if k not in (cls.DATE, cls.STATUS, cls.HOURS))
        if case.refused is None and not untaken:
            return [case]
        named = {cls.field_of(r.removeprefix("answers."), case) for r in case.refused or ()}
        refused = sorted(named | set(untaken))
        return [replace(case, name=f"{case.name} (sent as fields {refused})", refused=refused)]

    @classmethod
    def field_of(cls, key: str, case: Case) -> str:
        """The field the endpoint names for a refused answer to `key`."""
        if key == cls.STATUS:
            value = case.answers.get(cls.STATUS)
            return cls.UNMARKED if value is None else str(value)
        return cls.HOURS_FIELD if key == cls.HOURS else key

    def named(self, response: httpx.Response) -> list[str]:
        return [self.HOURS_FIELD if f == f"hours.{self.client}" else f for f in _fields(response)]

    def send(self, case: Case) -> Outcome:
        class_date = case.answers.get(self.DATE, "undated")
        body: dict[str, Any] = {
            k: v for k, v in case.answers.items() if k not in (self.DATE, self.STATUS, self.HOURS)
        }
        if (status := case.answers.get(self.STATUS)) is not None:
            body[str(status)] = [self.client]
        if self.HOURS in case.answers:
            body["hours"] = {self.client: case.answers[self.HOURS]}
        where = f"{self.course}/attendance/{class_date}"
        response = self.amal.put(where, json=body)
        if response.status_code != 200:
            return Outcome(response)
        sheet = response.json()
        assert [m["client_id"] for m in sheet["marks"]] == [self.client], sheet
        [mark] = sheet["marks"]
        stored = {self.DATE: sheet["class_date"], self.STATUS: mark["status"]}
        assert stored == {self.DATE: class_date, self.STATUS: status}, stored
        if mark["hours_attended"] is not None:
            assert mark["hours_attended"] == float(case.answers[self.HOURS]), mark
            stored[self.HOURS] = mark["hours_attended"]
        return Outcome(response, stored, True, where)

    def read_back(self, where: str) -> tuple[bool, int]:
        return True, self.amal.get(where).json()["definition_version"]


def flow_kind(form_key: str) -> type[Flow]:
    """Where a form is recorded: its own flow (`sessions.forms.owned`), or its session."""
    if form_key in owned.ATTENDEE_FORMS.values():
        return AttendeeFlow
    return {
        owned.COURSE_OPEN: CourseOpenFlow,
        owned.COURSE_ENROLMENT: EnrolmentFlow,
        owned.COURSE_EXIT: ExitFlow,
        owned.COURSE_ATTENDANCE: AttendanceFlow,
    }.get(form_key, Flow)


def accepted_per_form() -> int:
    """The most cases of one owned form that record something (each takes a client)."""
    most = 0
    for _, form_key in FORMS:
        kind = flow_kind(form_key)
        if kind is Flow:
            continue
        cases = [a for c in all_cases(catalog.definition(form_key)) for a in kind.adapt(c)]
        most = max(most, sum(1 for c in cases if c.refused is None))
    return most


# --- the module's places ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def places(amal: GatewayClient) -> Places:
    programs: list[str] = amal.get("/api/identity/me").json()["program_ids"]
    client_id = str(register(amal, given_name="Leila", family_name="Farah")["id"])
    # One client per accepted case of a form, and one more kept for the refusals.
    pool = [
        str(register(amal, given_name=f"Student{n:02d}", family_name="Karimi")["id"])
        for n in range(accepted_per_form() + 1)
    ]
    return Places(amal, programs[0], client_id, pool)


_FLOWS: dict[tuple[str, str], Flow] = {}


def flow_of(places: Places, session_type: str, form_key: str) -> Flow:
    """The form's flow, its group or course made once for the module."""
    if (session_type, form_key) not in _FLOWS:
        _FLOWS[session_type, form_key] = flow_kind(form_key)(places, session_type, form_key)
    return _FLOWS[session_type, form_key]


def run(flow: Flow, cases: list[Case]) -> list[Outcome]:
    """Every case, adapted to the form's endpoint, then one assertion listing each that
    went otherwise; what each accepted case recorded."""
    assert cases, f"{flow.form_key}: no cases derived"
    wrong: list[str] = []
    recorded: list[Outcome] = []
    for case in (adapted for c in cases for adapted in flow.adapt(c)):
        got = flow.send(case)
        response = got.response
        if case.refused is None:
            expected = set(case.answers) | flow.fills
            if got.stored is None:
                wrong.append(f"{case.name}: {response.status_code} {response.text[:300]}")
            elif set(got.stored) != expected:
                wrong.append(f"{case.name}: answers stored {sorted(got.stored)}")
            elif got.completed == case.draft:
                wrong.append(f"{case.name}: kept {'completed' if got.completed else 'a draft'}")
            else:
                recorded.append(got)
            continue
        named = flow.named(response)
        if response.status_code != 422 or named != case.refused:
            wrong.append(f"{case.name}: {response.status_code}, named {named}, not {case.refused}")
    assert not wrong, f"{flow.form_key}:\n  " + "\n  ".join(wrong)
    return recorded


# --- the cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_a_valid_record(places: Places, session_type: str, form_key: str) -> None:
    flow = flow_of(places, session_type, form_key)
    d = catalog.definition(form_key)
    [got] = run(flow, [valid_case(d)])
    assert flow.read_back(got.where) == (True, d.version)


def test_attendance_takes_every_value_of_its_list(places: Places) -> None:
    """Each value of the Attendance form's list is a list PUT .../attendance takes."""
    [(session_type, form_key)] = [f for f in FORMS if f[1] == owned.COURSE_ATTENDANCE]
    flow = flow_of(places, session_type, form_key)
    d = catalog.definition(form_key)
    status = d.question(AttendanceFlow.STATUS)
    assert status is not None and status.choices
    cases = [
        Case(f"marked {c.key}", fill(d, {AttendanceFlow.STATUS: c.key}), draft=False)
        for c in status.choices
        if not c.retired
    ]
    assert len(run(flow, cases)) == len(cases)


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_each_required_answer_missing_is_named(
    places: Places, session_type: str, form_key: str
) -> None:
    cases = list(required_cases(catalog.definition(form_key)))
    if not cases:
        # A form with no unconditional required question: a blank one completes.
        cases = [Case("blank", {}, draft=False)]
    run(flow_of(places, session_type, form_key), cases)


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_each_conditional_rule(places: Places, session_type: str, form_key: str) -> None:
    cases = list(conditional_cases(catalog.definition(form_key)))
    if not cases:
        d = catalog.definition(form_key)
        assert all(q.visible_when is None for q in d.active)
        return
    run(flow_of(places, session_type, form_key), cases)


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_a_value_outside_its_list_is_named(
    places: Places, session_type: str, form_key: str
) -> None:
    d = catalog.definition(form_key)
    cases = out_of_list_cases(d)
    if not cases:
        assert not any(q.choices for q in d.active)
        return
    run(flow_of(places, session_type, form_key), cases)


def test_the_cases_cover_every_rule_and_required_question() -> None:
    """The derivation itself: nothing of a definition escapes the cases above, and each
    form is sent where it is recorded, every case of it."""
    for _, form_key in FORMS:
        d = catalog.definition(form_key)
        names = " ".join(c.name for c in conditional_cases(d))
        for q in d.active:
            if q.visible_when is not None:
                assert f"shown when {q.visible_when.question}" in names, (form_key, q.key)
        required = {c.refused[0] for c in required_cases(d) if c.refused}
        required |= {
            r for c in conditional_cases(d) if c.refused and "required when" in c.name
            for r in c.refused
        }  # fmt: skip
        assert required == {f"answers.{q.key}" for q in d.active if q.required}, form_key
        named = {r for c in out_of_list_cases(d) for r in c.refused or ()}
        assert named == {f"answers.{q.key}" for q in d.active if q.choices}, form_key
    # The forms with a flow of their own are the ones the session's endpoint refuses.
    assert {k for _, k in FORMS if flow_kind(k) is not Flow} == set(owned.OWNED)
    for _, form_key in FORMS:
        kind = flow_kind(form_key)
        for case in all_cases(catalog.definition(form_key)):
            adapted = kind.adapt(case)
            # No case is dropped; only the course code and attendance change what is named.
            assert adapted and all(a.name.startswith(case.name) for a in adapted), case.name
            if kind in (Flow, AttendeeFlow, CourseOpenFlow):
                assert [a.refused for a in adapted] == [case.refused], (form_key, case.name)
    # Attendance: the class date, the list, a list it does not have, and the hours (given
    # for a client not present or late) are each named by some case; the form asks nothing
    # else.
    d = catalog.definition(owned.COURSE_ATTENDANCE)
    assert {q.key for q in d.active if q.required} == {AttendanceFlow.DATE, AttendanceFlow.STATUS}
    assert {q.key for q in d.active} == {
        AttendanceFlow.DATE, AttendanceFlow.STATUS, AttendanceFlow.HOURS
    }  # fmt: skip
    named = {r for c in all_cases(d) for a in AttendanceFlow.adapt(c) for r in a.refused or ()}
    assert named == {
        AttendanceFlow.DATE, AttendanceFlow.UNMARKED, NOT_A_CHOICE, AttendanceFlow.HOURS_FIELD
    }  # fmt: skip
