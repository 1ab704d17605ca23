"""Definitions: what holds together, what is refused (and where), JSON, languages."""

from typing import Any

import pytest
from pydantic import ValidationError

from forms import FormDefinition, Label, Question, QuestionSet, QuestionType, field_errors

from .conftest import choices, question


def refused(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as exc:
        QuestionSet.model_validate({"target": "client_profile", **data})
    return [(e["field"], e["type"]) for e in field_errors(exc.value)]


def test_duplicate_question_keys() -> None:
    assert refused({"questions": [question("age", "number"), question("age", "text")]}) == [
        ("questions[1].key", "duplicate_key")
    ]


def test_keys_are_slugs() -> None:
    assert refused({"questions": [question("Age Group", "text")]}) == [
        ("questions[0].key", "string_pattern_mismatch")
    ]


def test_choice_types_need_choices_with_unique_keys() -> None:
    assert refused({"questions": [question("needs", "multiple_choice")]}) == [
        ("questions[0].choices", "missing_choices")
    ]
    assert refused(
        {"questions": [question("lang", "single_choice", choices=choices("en", "fr", "en"))]}
    ) == [("questions[0].choices[2].key", "duplicate_key")]


def test_settings_of_another_type_are_refused() -> None:
    assert refused(
        {"questions": [question("name", "text", choices=choices("a"), integer=True)]}
    ) == [("questions[0].choices", "not_applicable"), ("questions[0].integer", "not_applicable")]


def test_ranges_must_be_ordered() -> None:
    assert refused(
        {
            "questions": [
                question("size", "number", min_value=5, max_value=1),
                question("day", "date", min_date="2024-02-01", max_date="2024-01-01"),
                question("pick", "multiple_choice", choices=choices("a", "b"), max_selections=3),
            ]
        }
    ) == [
        ("questions[0].max_value", "invalid_range"),
        ("questions[1].max_date", "invalid_range"),
        ("questions[2].max_selections", "invalid_range"),
    ]


def test_unknown_settings_are_refused() -> None:
    assert refused({"questions": [question("age", "number", requried=True)]}) == [
        ("questions[0].requried", "extra_forbidden")
    ]


AT = "questions[1].visible_when"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"question": "nope", "equals": True}, (f"{AT}.question", "unknown_question")),
        ({"question": "second", "equals": True}, (f"{AT}.question", "rule_order")),
        ({"question": "first", "equals": "maybe"}, (f"{AT}.equals", "invalid_type")),
        ({"question": "first", "equals": True, "answered": True}, (AT, "invalid_rule")),
        ({"question": "first"}, (AT, "invalid_rule")),
    ],
)
def test_rules_refer_to_earlier_questions_with_possible_values(
    rule: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert refused(
        {"questions": [question("first", "yes_no"), question("second", "text", visible_when=rule)]}
    ) == [expected]


def test_rule_values_must_be_choices_of_the_source() -> None:
    assert refused(
        {
            "questions": [
                question("status", "single_choice", choices=choices("pr", "refugee")),
                question(
                    "date", "date", visible_when={"question": "status", "one_of": ["pr", "x"]}
                ),
            ]
        }
    ) == [("questions[1].visible_when.one_of[1]", "invalid_choice")]


def test_rule_cycles_are_refused() -> None:
    # a shows when b is answered, b when a is: one of the two necessarily looks forward.
    errors = refused(
        {
            "questions": [
                question("a", "text", visible_when={"question": "b", "answered": True}),
                question("b", "text", visible_when={"question": "a", "answered": True}),
            ]
        }
    )
    assert errors == [("questions[0].visible_when.question", "rule_order")]


def test_earlier_means_display_order_not_list_order() -> None:
    qs = QuestionSet.model_validate(
        {
            "target": "client_profile",
            "questions": [
                question("b", "text", order=2, visible_when={"question": "a", "answered": True}),
                question("a", "yes_no", order=1),
            ],
        }
    )
    assert [q.key for q in qs.ordered] == ["a", "b"]


def test_an_active_question_cannot_depend_on_a_retired_one() -> None:
    assert refused(
        {
            "questions": [
                question("a", "yes_no", retired=True),
                question("b", "text", visible_when={"question": "a", "equals": True}),
            ]
        }
    ) == [("questions[1].visible_when.question", "retired_question")]


def test_all_problems_of_a_definition_are_reported_together() -> None:
    errors = refused(
        {
            "questions": [
                question("a", "yes_no"),
                question("a", "text"),
                question("c", "text", visible_when={"question": "zzz", "answered": True}),
            ]
        }
    )
    assert errors == [
        ("questions[1].key", "duplicate_key"),
        ("questions[2].visible_when.question", "unknown_question"),
    ]


def test_definition_json_round_trip(profile: QuestionSet) -> None:
    data = profile.model_dump_json()
    again = QuestionSet.model_validate_json(data)
    assert again == profile
    # Limits travel as JSON numbers, not strings.
    size = next(
        q for q in profile.model_dump(mode="json")["questions"] if q["key"] == "household_size"
    )
    assert size["min_value"] == 1 and size["max_value"] == 20


def test_decimal_limits_round_trip() -> None:
    q = Question.model_validate(question("rate", "number", min_value="0.1", max_value=99.95))
    again = Question.model_validate_json(q.model_dump_json())
    assert again == q
    assert str(again.max_value) == "99.95"


def test_json_schema_of_the_definition_is_available() -> None:
    schema = QuestionSet.model_json_schema()
    assert schema["required"] == ["target"]
    assert set(schema["$defs"]) >= {"Question", "Choice", "Rule", "Label", "QuestionType"}
    assert schema["$defs"]["QuestionType"]["enum"] == [t.value for t in QuestionType]


def test_french_labels_fall_back_to_english() -> None:
    both = Label(en="Household size", fr="Taille du ménage")
    english_only = Label(en="Household size")
    assert both.text("fr") == "Taille du ménage"
    assert both.text("en") == "Household size"
    assert english_only.text("fr") == "Household size"
    with pytest.raises(ValidationError):
        Label(en="  ")


def test_form_definition_is_a_question_set_with_a_title() -> None:
    # A funder form: keys and value lists come from the caller (here iCARE-like ids).
    form = FormDefinition.model_validate(
        {
            "target": "direct_service.needs_assessment",
            "version": 1,
            "title": {"en": "Needs Assessment", "fr": "Évaluation des besoins"},
            "questions": [
                question("assessment_language", "single_choice", required=True,
                         choices=[{"key": "1", "label": {"en": "English", "fr": "Anglais"}},
                                  {"key": "2", "label": {"en": "French", "fr": "Français"}}]),
            ],
        }
    )  # fmt: skip
    assert isinstance(form, QuestionSet)
    assert form.title.text("fr") == "Évaluation des besoins"
    assert FormDefinition.model_validate_json(form.model_dump_json()) == form
    with pytest.raises(ValidationError):
        FormDefinition.model_validate({"target": "x", "questions": []})  # no title
