"""reference.icare.answers: a form's answers (question keys, choice keys) as cells."""

from reference.icare import catalog
from reference.icare.answers import cell_text, cells_from_answers
from reference.icare.keys import choice_keys, question_key


def test_choice_keys_become_exact_labels_and_other_answers_text() -> None:
    template = catalog.template("information_orientation")
    choice = next(f for f in template.fields if f.values and len(f.values) > 2)
    date = next(f for f in template.fields if f.kind == "date")
    label = choice.values[1] if choice.values else ""
    key = choice_keys(choice.values or ())[1]
    cells = cells_from_answers(
        template,
        {question_key(choice.id): key, question_key(date.id): "2026-11-20", "not_a_field": "x"},
    )
    assert cells[choice.id] == label
    assert cells[date.id] == "2026-11-20"
    assert set(cells) == {f.id for f in template.fields}
    assert sum(v is not None for v in cells.values()) == 2


def test_upload_columns_never_come_from_answers() -> None:
    template = catalog.template("needs_assessment_referrals")
    cells = cells_from_answers(template, {question_key("update_record_id"): "123"})
    assert cells.get("update_record_id") is None


def test_cell_text() -> None:
    assert cell_text(True) == "Yes" and cell_text(False) == "No"
    assert cell_text("  ") is None and cell_text(None) is None
    assert cell_text(3) == "3"
