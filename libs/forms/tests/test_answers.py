"""Answers against a question set: normal forms, refusals, required, rules, retired."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from forms import AnswersInvalid, QuestionSet, validate_answers

BASE: dict[str, Any] = {"has_children": False}


def errors_of(qs: QuestionSet, answers: dict[str, Any], **kw: Any) -> list[dict[str, str]]:
    with pytest.raises(AnswersInvalid) as exc:
        validate_answers(qs, answers, **kw)
    return exc.value.errors


@pytest.mark.parametrize(
    ("key", "given", "stored"),
    [
        ("nickname", "  Ali  ", "Ali"),
        ("story", "line one\nline two", "line one\nline two"),
        ("household_size", 4, 4),
        ("household_size", "4", 4),
        ("household_size", 4.0, 4),
        ("monthly_rent", 1250.5, Decimal("1250.5")),
        ("monthly_rent", "1250.50", Decimal("1250.50")),
        ("first_visit", "2024-02-29", "2024-02-29"),
        ("first_visit", date(2024, 3, 1), "2024-03-01"),
        ("has_children", True, True),
        ("referred_by", "church", "church"),
        ("needs", ["language", "housing"], ["housing", "language"]),  # definition order
    ],
)
def test_valid_answers_are_normalised(
    profile: QuestionSet, key: str, given: object, stored: object
) -> None:
    answers = {**BASE, key: given}
    if key == "needs":
        answers["housing_notes"] = "waiting list"
    if key == "has_children":
        answers["children_count"] = 2
    result = validate_answers(profile, answers)
    assert result.values[key] == stored
    assert type(result.values[key]) is type(stored)  # int stays int, Decimal stays Decimal
    assert result.version == 3


@pytest.mark.parametrize(
    ("key", "given", "type_"),
    [
        ("nickname", 12, "invalid_type"),
        ("nickname", "x" * 21, "too_long"),
        ("nickname", "two\nlines", "invalid_text"),
        ("story", "nul\x00byte", "invalid_text"),
        ("story", "y" * 10_001, "too_long"),
        ("household_size", True, "invalid_type"),
        ("household_size", "four", "invalid_type"),
        ("household_size", 2.5, "not_integer"),
        ("household_size", 0, "out_of_range"),
        ("household_size", 21, "out_of_range"),
        ("monthly_rent", "1e9", "invalid_type"),
        ("monthly_rent", float("nan"), "invalid_type"),
        ("monthly_rent", -1, "out_of_range"),
        ("first_visit", "29/02/2024", "invalid_type"),
        ("first_visit", "2023-02-29", "invalid_date"),
        ("first_visit", "1999-12-31", "out_of_range"),
        ("first_visit", "2031-01-01", "out_of_range"),
        ("has_children", "yes", "invalid_type"),
        ("has_children", 1, "invalid_type"),
        ("referred_by", "radio", "invalid_choice"),
        ("referred_by", ["friend"], "invalid_type"),
        ("needs", "jobs", "invalid_type"),
        ("needs", ["jobs", "jobs"], "duplicate_choice"),
        ("needs", ["jobs", "language", "housing"], "selection_count"),
        ("needs", ["cars"], "invalid_choice"),
    ],
)
def test_invalid_answers_are_refused_with_their_field(
    profile: QuestionSet, key: str, given: object, type_: str
) -> None:
    errors = errors_of(profile, {**BASE, key: given})
    assert [(e["field"], e["type"]) for e in errors] == [(f"answers.{key}", type_)]
    assert errors[0]["message"]


def test_datetime_is_not_a_date(profile: QuestionSet) -> None:
    errors = errors_of(profile, {**BASE, "first_visit": datetime(2024, 1, 1, 9)})
    assert errors[0]["type"] == "invalid_type"


def test_blank_answers_are_no_answers(profile: QuestionSet) -> None:
    result = validate_answers(profile, {**BASE, "nickname": "   ", "needs": [], "story": None})
    assert result.values == {"has_children": False}


def test_required_is_enforced_unless_partial(profile: QuestionSet) -> None:
    errors = errors_of(profile, {"nickname": "Ali"})
    assert errors == [
        {"field": "answers.has_children", "message": "an answer is required", "type": "missing"}
    ]
    draft = validate_answers(profile, {"nickname": "Ali"}, partial=True)
    assert draft.values == {"nickname": "Ali"}


def test_partial_still_checks_the_values_given(profile: QuestionSet) -> None:
    errors = errors_of(profile, {"household_size": 99}, partial=True)
    assert [e["field"] for e in errors] == ["answers.household_size"]


def test_conditional_question_is_required_only_when_shown(profile: QuestionSet) -> None:
    errors = errors_of(profile, {"has_children": True})
    assert [(e["field"], e["type"]) for e in errors] == [("answers.children_count", "missing")]
    assert validate_answers(profile, {"has_children": True, "children_count": 2}).values == {
        "has_children": True,
        "children_count": 2,
    }
    assert validate_answers(profile, {"has_children": False}).values == {"has_children": False}


def test_answer_to_a_hidden_question_is_refused(profile: QuestionSet) -> None:
    errors = errors_of(profile, {"has_children": False, "children_count": 2})
    assert [(e["field"], e["type"]) for e in errors] == [("answers.children_count", "not_asked")]


def test_rule_on_multiple_choice_holds_when_the_key_is_selected(profile: QuestionSet) -> None:
    errors = errors_of(profile, {**BASE, "needs": ["jobs", "housing"]})
    assert [(e["field"], e["type"]) for e in errors] == [("answers.housing_notes", "missing")]
    assert validate_answers(profile, {**BASE, "needs": ["jobs"]}).values["needs"] == ["jobs"]


def test_a_refused_source_does_not_pile_up_errors_on_its_dependents(
    profile: QuestionSet,
) -> None:
    errors = errors_of(profile, {"has_children": "maybe"})
    assert [e["field"] for e in errors] == ["answers.has_children"]


def test_one_of_and_answered_rules_and_hidden_chains() -> None:
    qs = QuestionSet.model_validate(
        {
            "target": "client_profile",
            "questions": [
                {"key": "status", "type": "single_choice", "label": {"en": "Status"},
                 "choices": [{"key": k, "label": {"en": k}} for k in ("pr", "refugee", "other")]},
                {"key": "arrival", "type": "date", "label": {"en": "Arrival"},
                 "visible_when": {"question": "status", "one_of": ["pr", "refugee"]}},
                {"key": "port", "type": "text", "label": {"en": "Port"}, "required": True,
                 "visible_when": {"question": "arrival", "answered": True}},
            ],
        }
    )  # fmt: skip
    assert validate_answers(qs, {"status": "other"}).values == {"status": "other"}
    errors = errors_of(qs, {"status": "refugee", "arrival": "2024-01-05"})
    assert [(e["field"], e["type"]) for e in errors] == [("answers.port", "missing")]
    # `arrival` hidden, so `port` is hidden too even though it is required.
    assert validate_answers(qs, {"status": "other"}).values == {"status": "other"}
    errors = errors_of(qs, {"status": "other", "arrival": "2024-01-05", "port": "YUL"})
    assert [(e["field"], e["type"]) for e in errors] == [
        ("answers.arrival", "not_asked"),
        ("answers.port", "not_asked"),
    ]


def test_unknown_keys_are_refused(profile: QuestionSet) -> None:
    errors = errors_of(profile, {**BASE, "favourite_colour": "blue"})
    assert errors == [
        {
            "field": "answers.favourite_colour",
            "message": "not a question of this form",
            "type": "unknown_question",
        }
    ]


def test_every_problem_is_reported_at_once(profile: QuestionSet) -> None:
    errors = errors_of(
        profile,
        {
            "nickname": 5,
            "household_size": 0,
            "first_visit": "tomorrow",
            "referred_by": "radio",
            "needs": ["jobs", "jobs"],
            "shoe_size": 44,
        },
    )
    assert [(e["field"], e["type"]) for e in errors] == [
        ("answers.nickname", "invalid_type"),
        ("answers.household_size", "out_of_range"),
        ("answers.first_visit", "invalid_type"),
        ("answers.has_children", "missing"),
        ("answers.referred_by", "invalid_choice"),
        ("answers.needs", "duplicate_choice"),
        ("answers.shoe_size", "unknown_question"),
    ]
    assert all(e["message"] for e in errors)


def retire(qs: QuestionSet, key: str) -> QuestionSet:
    questions = [q.model_copy(update={"retired": q.key == key or q.retired}) for q in qs.questions]
    return QuestionSet.model_validate(
        {**dict(qs), "version": qs.version + 1, "questions": questions}
    )


def test_answers_to_retired_questions_are_kept_untouched(profile: QuestionSet) -> None:
    stored = validate_answers(profile, {**BASE, "nickname": "Ali"}).to_json()
    later = retire(profile, "nickname")

    # The web app no longer shows it, so it does not send it: the answer is carried.
    kept = validate_answers(later, {"has_children": True, "children_count": 1}, previous=stored)
    assert kept.values["nickname"] == "Ali"
    assert kept.version == 4
    # Echoing it unchanged is fine too.
    assert (
        validate_answers(later, {**BASE, "nickname": "Ali"}, previous=stored).values["nickname"]
        == "Ali"
    )
    # Changing, clearing or newly answering it is refused.
    for answers, before in (
        ({**BASE, "nickname": "Bob"}, stored),
        ({**BASE, "nickname": None}, stored),
        ({**BASE, "nickname": "Ali"}, {}),
    ):
        errors = errors_of(later, answers, previous=before)
        assert [(e["field"], e["type"]) for e in errors] == [
            ("answers.nickname", "retired_question")
        ]
    # A retired question nobody answered stays unanswered.
    assert "nickname" not in validate_answers(later, BASE).values


def test_retired_choice_is_refused_for_new_answers_but_kept_by_old_ones(
    profile: QuestionSet,
) -> None:
    needs = profile.question("needs")
    referred = profile.question("referred_by")
    assert needs is not None and referred is not None and needs.choices and referred.choices

    def retire_choice(q: Any, key: str) -> Any:
        return q.model_copy(
            update={"choices": [c.model_copy(update={"retired": c.key == key}) for c in q.choices]}
        )

    later = QuestionSet.model_validate(
        {
            **dict(profile),
            "questions": [
                retire_choice(q, "church") if q.key == "referred_by"
                else retire_choice(q, "jobs") if q.key == "needs"
                else q
                for q in profile.questions
            ],
        }
    )  # fmt: skip
    errors = errors_of(later, {**BASE, "referred_by": "church", "needs": ["jobs"]})
    assert [e["type"] for e in errors] == ["retired_choice", "retired_choice"]

    before = {**BASE, "referred_by": "church", "needs": ["jobs", "language"]}
    # Unchanged, or changed while keeping the retired choice it already held.
    assert validate_answers(later, before, previous=before).values["referred_by"] == "church"
    changed = validate_answers(later, {**BASE, "needs": ["jobs"]}, previous=before)
    assert changed.values["needs"] == ["jobs"]


def test_untouched_answer_survives_a_tightened_limit(profile: QuestionSet) -> None:
    before = {**BASE, "household_size": 15}
    tighter = QuestionSet.model_validate(
        {
            **dict(profile),
            "questions": [
                q.model_copy(update={"max_value": Decimal(10)}) if q.key == "household_size" else q
                for q in profile.questions
            ],
        }
    )
    assert validate_answers(tighter, before, previous=before).values["household_size"] == 15
    errors = errors_of(tighter, {**BASE, "household_size": 16}, previous=before)
    assert errors[0]["type"] == "out_of_range"


def test_to_json_round_trips(profile: QuestionSet) -> None:
    answers = {**BASE, "monthly_rent": 1250.5, "first_visit": date(2024, 3, 1), "needs": ["jobs"]}
    stored = validate_answers(profile, answers).to_json()
    assert stored == {
        "has_children": False,
        "monthly_rent": "1250.5",
        "first_visit": "2024-03-01",
        "needs": ["jobs"],
    }
    again = validate_answers(profile, json.loads(json.dumps(stored)), previous=stored)
    assert again.to_json() == stored
    assert again.values["monthly_rent"] == Decimal("1250.5")


@pytest.mark.parametrize("given", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_a_date_off_the_calendar_is_refused_even_without_bounds(given: str) -> None:
    """Years 1 and 9999 are infinity to PostgreSQL; no question takes them."""
    unbounded = QuestionSet.model_validate(
        {
            "target": "t",
            "version": 1,
            "questions": [{"key": "on", "type": "date", "label": {"en": "On"}}],
        }
    )
    errors = errors_of(unbounded, {"on": given})
    assert [(e["field"], e["type"]) for e in errors] == [("answers.on", "out_of_range")]
    assert validate_answers(unbounded, {"on": "2999-12-31"}).values == {"on": "2999-12-31"}
