"""A client-profile question set an agency could define, used across the tests."""

from typing import Any

import pytest

from forms import QuestionSet


def question(key: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": {"en": key.replace("_", " ")}, **extra}


def choices(*keys: str) -> list[dict[str, Any]]:
    return [{"key": k, "label": {"en": k.title(), "fr": f"{k} (fr)"}} for k in keys]


@pytest.fixture
def profile() -> QuestionSet:
    return QuestionSet.model_validate(
        {
            "target": "client_profile",
            "version": 3,
            "questions": [
                question("nickname", "text", max_length=20),
                question("story", "long_text"),
                question("household_size", "number", integer=True, min_value=1, max_value=20),
                question("monthly_rent", "number", min_value=0),
                question("first_visit", "date", min_date="2000-01-01", max_date="2030-12-31"),
                question("has_children", "yes_no", required=True),
                question(
                    "children_count",
                    "number",
                    integer=True,
                    required=True,
                    visible_when={"question": "has_children", "equals": True},
                ),
                question("referred_by", "single_choice", choices=choices("friend", "church")),
                question(
                    "needs",
                    "multiple_choice",
                    choices=choices("housing", "jobs", "language"),
                    min_selections=1,
                    max_selections=2,
                ),
                question(
                    "housing_notes",
                    "long_text",
                    required=True,
                    visible_when={"question": "needs", "equals": "housing"},
                ),
            ],
        }
    )
