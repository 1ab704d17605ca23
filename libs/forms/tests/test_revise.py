"""An agency's edit of its questions: the next version of what is stored."""

import pytest
from pydantic import ValidationError

from forms import (
    QuestionSet,
    QuestionSetEdit,
    StaleEdit,
    compatibility_errors,
    field_errors,
    revise,
)

from .conftest import question


def test_the_first_edit_is_version_1_and_the_next_follows(profile: QuestionSet) -> None:
    first = revise(None, [question("faith", "text")], target="client_profile")
    assert (first.target, first.version, [q.key for q in first.questions]) == (
        "client_profile", 1, ["faith"],
    )  # fmt: skip
    edit = [q.model_dump(mode="json", exclude_none=True) for q in profile.questions]
    new = revise(profile, edit, target=profile.target, base_version=profile.version)
    assert new.version == profile.version + 1 and new.questions == profile.questions


def test_an_edit_from_another_version_is_stale(profile: QuestionSet) -> None:
    with pytest.raises(StaleEdit) as exc:
        revise(profile, [], target=profile.target, base_version=profile.version - 1)
    assert exc.value.current == profile.version
    with pytest.raises(StaleEdit) as none_yet:
        revise(None, [], target="client_profile", base_version=1)
    assert none_yet.value.current == 0


def test_questions_that_do_not_hold_together_name_each_problem() -> None:
    with pytest.raises(ValidationError) as exc:
        revise(None, [question("faith", "text"), question("faith", "date")], target="x")
    assert [e["field"] for e in field_errors(exc.value)] == ["questions[1].key"]


def test_breaking_changes_as_error_fields(profile: QuestionSet) -> None:
    kept = [q for q in profile.questions if q.key != "story"]
    new = revise(profile, [q.model_dump(mode="json") for q in kept], target=profile.target)
    assert compatibility_errors(profile, new) == [
        {"field": "questions", "message": "question 'story' was removed: retire it instead",
         "type": "incompatible_change"}
    ]  # fmt: skip
    assert compatibility_errors(profile, profile) == []


def test_an_edit_body_is_the_questions_and_the_version_it_started_from() -> None:
    edit = QuestionSetEdit.model_validate({"questions": [question("faith", "text")]})
    assert edit.base_version is None and revise(None, edit.questions, target="x").version == 1
    for refused in ({"questions": [], "extra": 1}, {"questions": [], "base_version": -1},
                    {"questions": [question(f"q{n}", "text") for n in range(501)]}):  # fmt: skip
        with pytest.raises(ValidationError):
            QuestionSetEdit.model_validate(refused)
