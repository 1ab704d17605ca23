"""What the web app receives to render a form."""

import json

from forms import QuestionSet, render_spec

from .conftest import choices, question


def test_render_spec_is_json_in_display_order_without_retired_parts() -> None:
    qs = QuestionSet.model_validate(
        {
            "target": "client_profile",
            "version": 2,
            "questions": [
                question("b", "text", order=2, visible_when={"question": "a", "equals": "x"}),
                question(
                    "a",
                    "single_choice",
                    order=1,
                    choices=[*choices("x"), {"key": "y", "label": {"en": "Y"}, "retired": True}],
                    help={"en": "Pick one", "fr": "Choisissez"},
                ),
                question("old", "number", order=3, retired=True, min_value=0.5),
            ],
        }
    )
    spec = render_spec(qs)
    assert json.loads(json.dumps(spec)) == spec
    assert spec["target"] == "client_profile" and spec["version"] == 2
    assert [q["key"] for q in spec["questions"]] == ["a", "b"]
    a, b = spec["questions"]
    assert [c["key"] for c in a["choices"]] == ["x"]
    assert a["choices"][0]["label"] == {"en": "X", "fr": "x (fr)"}
    assert a["help"] == {"en": "Pick one", "fr": "Choisissez"}
    assert "integer" not in a
    assert b["visible_when"] == {"question": "a", "equals": "x"}
    assert b["max_length"] == 500  # the effective limit, for the input's maxlength

    full = render_spec(qs, include_retired=True)
    assert [q["key"] for q in full["questions"]] == ["a", "b", "old"]
    assert [c["key"] for c in full["questions"][0]["choices"]] == ["x", "y"]
    assert full["questions"][2]["min_value"] == 0.5
