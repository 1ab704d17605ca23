"""The service-form definitions: they load, match iCARE exactly, and validate answers."""

import json
from typing import Any

import pytest

from forms import (
    AnswersInvalid,
    FormDefinition,
    Question,
    QuestionType,
    render_spec,
    validate_answers,
)
from reference.icare import catalog as icare_catalog
from sessions.forms import catalog

FORMS = [
    "information_orientation",
    "needs_assessment",
    "employment",
    "non_specified",
    "refugee_rap",
    "community_connection",
    "language_assessment",
    "jd_needs_assessment",
    "jd_update_progress",
    "jd_job_placement",
    "jd_mentor_match",
    "jd_mentor_update",
    "financial_services_outcomes",
    "lt_course_open",
    "lt_attendance",
    "lt_enrolment",
    "lt_exit",
    "cc_group",
    "cc_attendee",
    "io_group",
    "group_attendee",
    "employment_group",
]
ICARE = {
    "needs_assessment": "needs_assessment_referrals",
    "information_orientation": "information_orientation",
    "io_group": "information_orientation",
    "community_connection": "community_connections",
    "cc_group": "community_connections",
    "cc_attendee": "community_connections",
    "employment": "employment",
    "employment_group": "employment",
    "lt_course_open": "lt_course_setup",
    "lt_enrolment": "lt_client_enrolment",
    "lt_exit": "lt_client_exit",
}


def _value(q: Question) -> Any:
    if q.type is QuestionType.SINGLE_CHOICE:
        assert q.choices
        return q.choices[0].key
    if q.type is QuestionType.MULTIPLE_CHOICE:
        assert q.choices
        return [q.choices[0].key]
    if q.type is QuestionType.YES_NO:
        return True
    if q.type is QuestionType.DATE:
        return "2024-05-01"
    if q.type is QuestionType.NUMBER:
        return int(q.min_value) if q.min_value is not None else 1
    return "A1A1A1" if q.max_length == 6 else "text"


def _shown(form: FormDefinition, q: Question, answers: dict[str, Any]) -> bool:
    rule = q.visible_when
    if rule is None:
        return True
    answer = answers.get(rule.question)
    if rule.answered:
        return answer is not None
    wanted = [rule.equals] if rule.equals is not None else list(rule.one_of or ())
    if isinstance(answer, list):
        return any(a in wanted for a in answer)
    return answer in wanted


def _sample(form: FormDefinition) -> dict[str, Any]:
    """Every required question that is shown, answered with an allowed value."""
    answers: dict[str, Any] = {}
    for q in form.active:
        if q.required and _shown(form, q, answers):
            answers[q.key] = _value(q)
    return answers


def _fields(exc: pytest.ExceptionInfo[AnswersInvalid]) -> dict[str, str]:
    return {e["field"]: e["type"] for e in exc.value.errors}


def test_the_forms_are_the_22_listed_each_a_versioned_definition() -> None:
    assert catalog.keys() == FORMS
    defs = catalog.definitions()
    assert [d.target for d in defs] == [f"service_form.{k}" for k in FORMS]
    for key, d in zip(FORMS, defs, strict=True):
        assert isinstance(d, FormDefinition)
        assert catalog.versions(key) == [1]
        assert catalog.definition(key, 1) == d
        # The definition survives the JSON round trip a service stores it through.
        assert FormDefinition.model_validate_json(d.model_dump_json()) == d
    with pytest.raises(catalog.UnknownFormError):
        catalog.definition("nope")
    with pytest.raises(catalog.UnknownFormError):
        catalog.definition("needs_assessment", 9)


def test_each_session_type_lists_its_forms() -> None:
    assert catalog.forms_for("direct_service") == tuple(FORMS[:7])
    assert catalog.forms_for("direct_service_job_development") == tuple(FORMS[7:12])
    assert catalog.forms_for("direct_service_finance") == ("financial_services_outcomes",)
    assert catalog.forms_for("language_training") == tuple(FORMS[13:17])
    assert catalog.forms_for("cc_group_activity") == ("cc_group", "cc_attendee")
    assert catalog.forms_for("io_group_activity") == ("io_group", "group_attendee")
    assert catalog.forms_for("employment_group_activity") == ("employment_group", "group_attendee")
    assert {k for ks in catalog.SESSION_TYPES.values() for k in ks} == set(FORMS)
    with pytest.raises(catalog.UnknownFormError):
        catalog.forms_for("workshop")


@pytest.mark.parametrize("key", FORMS)
def test_icare_questions_match_the_template_exactly(key: str) -> None:
    mapping = catalog.icare_mapping(key)
    if key not in ICARE:
        assert mapping is None
        return
    assert mapping is not None
    template = icare_catalog.template(ICARE[key])
    assert (mapping.template, mapping.template_version) == (template.name, template.version)
    form = catalog.definition(key)
    assert mapping.field_ids, key
    assert not set(mapping.field_ids.values()) & (
        catalog.SESSION_OR_PROFILE_FIELDS - ({"postal_cd"} if key == "lt_course_open" else set())
    )
    key_of = {fid: qk for qk, fid in mapping.field_ids.items()}
    for qkey, field_id in mapping.field_ids.items():
        q, f = form.question(qkey), template.field(field_id)
        assert q is not None
        assert q.required == f.required, qkey
        if f.values is None:
            assert q.choices is None and qkey not in mapping.values
        else:
            assert q.choices is not None
            assert list(mapping.values[qkey]) == [c.key for c in q.choices]
            assert tuple(mapping.values[qkey].values()) == f.values  # exact labels
            assert [c.label.en for c in q.choices] == [v.strip() for v in f.values]
        if f.conditional is None:
            assert q.visible_when is None, qkey
        else:
            rule = q.visible_when
            assert rule is not None and rule.question == key_of[f.conditional.when]
            if f.conditional.present:
                assert rule.answered
            else:
                assert mapping.values[rule.question][str(rule.equals)] == f.conditional.equals


def test_group_and_attendee_forms_split_the_template_between_them() -> None:
    group, attendee = catalog.icare_mapping("cc_group"), catalog.icare_mapping("cc_attendee")
    whole = catalog.icare_mapping("community_connection")
    assert group and attendee and whole
    assert not set(group.field_ids) & set(attendee.field_ids)
    assert set(group.field_ids) | set(attendee.field_ids) == set(whole.field_ids)


def test_support_services_block_is_the_same_wherever_it_appears() -> None:
    block = {q.key: q for q in catalog.block("support_services")}
    assert {"support_received_ind", "child_5_age", "child_5_care_type", "counselling_ind"} <= set(
        block
    )
    assert block["translation_language_from_id"].visible_when is not None
    carriers = [d for d in catalog.definitions() if d.question("support_received_ind")]
    assert {d.target.split(".")[1] for d in carriers} >= {
        "needs_assessment",
        "information_orientation",
        "community_connection",
        "employment",
        "lt_enrolment",
        "lt_exit",
        "cc_attendee",
        "group_attendee",
        "non_specified",
    }
    for d in carriers:
        for key, q in block.items():
            mine = d.question(key)
            assert mine is not None, (d.target, key)
            # Same key, type, choices and rule; label wording and the required flag
            # follow each template (Employment's support services are optional).
            same = {"order": 0, "label": q.label, "required": q.required}
            assert mine.model_copy(update=same) == q.model_copy(update={"order": 0}), key


@pytest.mark.parametrize("key", FORMS)
def test_a_valid_sample_passes_and_each_kind_of_error_is_refused_by_field(key: str) -> None:
    form = catalog.definition(key)
    sample = _sample(form)
    assert validate_answers(form, sample).values

    # A value outside the list.
    choice = next(
        q for q in form.active if q.type is QuestionType.SINGLE_CHOICE and _shown(form, q, sample)
    )
    with pytest.raises(AnswersInvalid) as exc:
        validate_answers(form, {**sample, choice.key: "not_in_the_list"})
    assert f"answers.{choice.key}" in _fields(exc)

    # A required field missing.
    required = next(q for q in form.active if q.required and q.visible_when is None)
    with pytest.raises(AnswersInvalid) as exc:
        validate_answers(form, {k: v for k, v in sample.items() if k != required.key})
    assert _fields(exc)[f"answers.{required.key}"] == "missing"

    # A conditional violated: answering a question its source's answer hides.
    dependent, other = next(
        (q, alt)
        for q in form.active
        if q.visible_when is not None
        and q.visible_when.answered is None
        and (src := form.question(q.visible_when.question)) is not None
        and src.visible_when is None
        and (alt := _other_answer(src, q)) is not None
    )
    assert dependent.visible_when is not None
    source = dependent.visible_when.question
    with pytest.raises(AnswersInvalid) as exc:
        validate_answers(form, {**sample, source: other, dependent.key: _value(dependent)})
    assert _fields(exc)[f"answers.{dependent.key}"] == "not_asked"


def _other_answer(source: Question, dependent: Question) -> Any:
    rule = dependent.visible_when
    assert rule is not None
    wanted = [rule.equals] if rule.equals is not None else list(rule.one_of or ())
    if source.type is QuestionType.YES_NO:
        return next((v for v in (True, False) if v not in wanted), None)
    if source.type is QuestionType.SINGLE_CHOICE:
        return next((c.key for c in source.choices or () if c.key not in wanted), None)
    if source.type is QuestionType.MULTIPLE_CHOICE:
        return next(([c.key] for c in source.choices or () if c.key not in wanted), None)
    return None


@pytest.mark.parametrize("key", FORMS)
def test_render_spec_for_each_form(key: str) -> None:
    form = catalog.definition(key)
    spec = render_spec(form)
    assert spec["target"] == f"service_form.{key}" and spec["version"] == 1
    assert spec["title"]["en"]
    assert [q["key"] for q in spec["questions"]] == [q.key for q in form.active]
    json.dumps(spec)
