"""Every service form of every session type, through the gateway, built from the form
catalog itself (`sessions.forms.catalog`): for each form

- a valid record: an answer to every question asked and required, derived from the
  definition (its first choice, its lowest number, its earliest date ...), completed;
- each required question left out: refused, naming exactly that question;
- each conditional rule ("shown when" / "required when"): the questions a rule shows
  are accepted once it holds and, when required, refused when left out; answered while
  the rule does not hold, they are refused, named;
- a value outside its list, for every choice question: refused, each one named.

One session per session type is shared by all the cases of its forms; refusals create
nothing, and the positive conditional cases are drafts.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from forms import FormDefinition, Question, QuestionType, Rule
from sessions.forms import catalog
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


# --- the sessions the forms are filled in -----------------------------------------------


@pytest.fixture(scope="module")
def program(amal: GatewayClient) -> str:
    programs: list[str] = amal.get("/api/identity/me").json()["program_ids"]
    return programs[0]


@pytest.fixture(scope="module")
def client_id(amal: GatewayClient) -> str:
    return str(register(amal, given_name="Leila", family_name="Farah")["id"])


_SESSIONS: dict[str, str] = {}


def session_of(amal: GatewayClient, program: str, client_id: str, session_type: str) -> str:
    """One session of the type for the module (the valid record of the session type)."""
    if session_type not in _SESSIONS:
        body = {
            "type": session_type, "date": "2026-11-20", "start_time": "09:30",
            "end_time": "11:00", "location": "Maple office", "postal_code": "M5V 2T6",
            "delivery_mode": "in_person", "language_of_service": "English",
            "program_id": program, "funders": [{"name": "IRCC"}],
            "client_ids": [client_id] if session_type in DIRECT_TYPES else [],
        }  # fmt: skip
        response = record_session(amal, body)
        assert response.status_code == 201, response.text
        assert response.json()["type"] == session_type
        _SESSIONS[session_type] = response.json()["id"]
    return _SESSIONS[session_type]


def run(amal: GatewayClient, session_id: str, form_key: str, cases: list[Case]) -> None:
    """Every case, then one assertion listing each that went otherwise."""
    assert cases, f"{form_key}: no cases derived"
    wrong: list[str] = []
    for case in cases:
        body = {"form_key": form_key, "answers": case.answers, "draft": case.draft}
        response = amal.post(f"{SESSIONS}/{session_id}/forms", json=body)
        if case.refused is None:
            if response.status_code != 201:
                wrong.append(f"{case.name}: {response.status_code} {response.text[:300]}")
            elif set(response.json()["answers"]) != set(case.answers):
                wrong.append(f"{case.name}: answers stored {sorted(response.json()['answers'])}")
            continue
        named = sorted(f["field"] for f in response.json().get("error", {}).get("fields", []))
        if response.status_code != 422 or named != case.refused:
            wrong.append(f"{case.name}: {response.status_code}, named {named}, not {case.refused}")
    assert not wrong, f"{form_key}:\n  " + "\n  ".join(wrong)


# --- the cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_a_valid_record(
    amal: GatewayClient, program: str, client_id: str, session_type: str, form_key: str
) -> None:
    session_id = session_of(amal, program, client_id, session_type)
    d = catalog.definition(form_key)
    run(amal, session_id, form_key, [valid_case(d)])
    forms = amal.get(f"{SESSIONS}/{session_id}/forms").json()["items"]
    done = [f for f in forms if f["form_key"] == form_key and f["status"] == "completed"]
    assert done and done[0]["definition_version"] == d.version


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_each_required_answer_missing_is_named(
    amal: GatewayClient, program: str, client_id: str, session_type: str, form_key: str
) -> None:
    cases = list(required_cases(catalog.definition(form_key)))
    if not cases:
        # A form with no unconditional required question: a blank one completes.
        cases = [Case("blank", {}, draft=False)]
    run(amal, session_of(amal, program, client_id, session_type), form_key, cases)


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_each_conditional_rule(
    amal: GatewayClient, program: str, client_id: str, session_type: str, form_key: str
) -> None:
    cases = list(conditional_cases(catalog.definition(form_key)))
    if not cases:
        d = catalog.definition(form_key)
        assert all(q.visible_when is None for q in d.active)
        return
    run(amal, session_of(amal, program, client_id, session_type), form_key, cases)


@pytest.mark.parametrize(("session_type", "form_key"), FORMS)
def test_a_value_outside_its_list_is_named(
    amal: GatewayClient, program: str, client_id: str, session_type: str, form_key: str
) -> None:
    d = catalog.definition(form_key)
    cases = out_of_list_cases(d)
    if not cases:
        assert not any(q.choices for q in d.active)
        return
    run(amal, session_of(amal, program, client_id, session_type), form_key, cases)


def test_the_cases_cover_every_rule_and_required_question() -> None:
    """The derivation itself: nothing of a definition escapes the cases above."""
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
