"""Changing a definition: what breaks the answers already given, and new versions."""

from typing import Any

import pytest

from forms import (
    FormDefinition,
    IncompatibleChange,
    Question,
    QuestionSet,
    compatible,
    next_version,
)

from .conftest import choices, question


def replace(qs: QuestionSet, key: str, **changes: Any) -> list[Question]:
    out = []
    for q in qs.questions:
        if q.key == key:
            q = Question.model_validate({**q.model_dump(), **changes})
        out.append(q)
    return out


def test_additions_retirements_and_relabels_are_compatible(profile: QuestionSet) -> None:
    questions = replace(profile, "nickname", retired=True, label={"en": "Alias", "fr": "Alias"})
    questions.append(Question.model_validate(question("faith", "text")))
    new = next_version(profile, questions)
    assert new.version == profile.version + 1
    assert compatible(profile, new) == []
    nickname = new.question("nickname")
    assert nickname is not None and nickname.retired


def test_removing_a_question_or_a_choice_is_breaking(profile: QuestionSet) -> None:
    questions = [q for q in replace(profile, "referred_by", choices=choices("friend"))
                 if q.key != "story"]  # fmt: skip
    new = next_version(profile, questions, answers_exist=False)
    assert compatible(profile, new) == [
        "question 'story' was removed: retire it instead",
        "choice 'church' of question 'referred_by' was removed: retire it instead",
    ]


def test_type_changes_are_breaking_except_widening_text(profile: QuestionSet) -> None:
    new = next_version(
        profile,
        replace(profile, "nickname", type="long_text"),
        answers_exist=False,
    )
    assert compatible(profile, new) == []
    new = next_version(
        profile, replace(profile, "story", type="text", max_length=None), answers_exist=False
    )
    assert compatible(profile, new) == ["question 'story' changed type from long_text to text"]
    new = next_version(
        profile,
        replace(profile, "monthly_rent", integer=True),
        answers_exist=False,
    )
    assert compatible(profile, new) == ["question 'monthly_rent' now takes whole numbers only"]


def test_next_version_refuses_breaking_changes_once_answers_exist(profile: QuestionSet) -> None:
    changed = replace(profile, "household_size", type="text", integer=False,
                      min_value=None, max_value=None)  # fmt: skip
    with pytest.raises(IncompatibleChange) as exc:
        next_version(profile, changed)
    assert exc.value.problems == ["question 'household_size' changed type from number to text"]
    # Before any answer exists the agency may still reshape its questions freely.
    assert next_version(profile, changed, answers_exist=False).version == 4


def test_next_version_keeps_the_kind_of_set() -> None:
    form = FormDefinition.model_validate(
        {"target": "lt.exit", "title": {"en": "Exit"}, "questions": [question("why", "text")]}
    )
    new = next_version(form, [*form.questions, Question.model_validate(question("when", "date"))])
    assert isinstance(new, FormDefinition)
    assert new.title == form.title and new.version == 2
