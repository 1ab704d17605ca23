"""A service form's answers as an iCARE row's cells.

Sessions derives its iCARE-mapped forms from the template descriptions with
`reference.icare.keys` (a question per field id, a choice key per exact label), so the
answers map back to cells here, for both of their readers: icare building the export's
rows and sessions checking a form as it is saved.
"""

from collections.abc import Mapping
from typing import Any

from reference.icare.checks import UPLOAD_FIELDS
from reference.icare.keys import choice_keys, question_key
from reference.icare.model import Template

Cells = dict[str, str | None]


def cell_text(value: Any) -> str | None:
    """A value as iCARE text: yes/no as "Yes"/"No", blanks as nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value).strip()
    return text or None


def _cell(template: Template, field_id: str, value: Any) -> str | None:
    if isinstance(value, list):  # one cell holds one value
        value = value[0] if len(value) == 1 else None
    f = template.field(field_id)
    if isinstance(value, str) and f.values is not None:
        labels = dict(zip(choice_keys(f.values), f.values, strict=True))
        return labels.get(value, value)  # a label kept as is; an unknown key as itself
    return cell_text(value)


def cells_from_answers(template: Template, answers: Mapping[str, Any]) -> Cells:
    """Every field of `template` (None when not answered) from answers keyed by question
    key; the upload's own columns are never taken from answers."""
    by_key = {question_key(f.id): f.id for f in template.fields}
    cells: Cells = {f.id: None for f in template.fields}
    for key, value in answers.items():
        field_id = by_key.get(key)
        if field_id is not None and field_id not in UPLOAD_FIELDS:
            cells[field_id] = _cell(template, field_id, value)
    return cells
