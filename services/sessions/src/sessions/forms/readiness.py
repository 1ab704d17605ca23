"""iCARE's checks on the part of a row a form holds, as warnings when it is saved.

icare runs the same checks (`reference.icare.checks`) on whole rows at month end; here
they run on the answers as they are entered, so a date in the future, dates out of
order or what iCARE's conditional rules expect is fixed at entry. Only the fields the
form itself asks are reported: the session and the client profile hold the others.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reference.icare import catalog as icare_catalog
from reference.icare.answers import cells_from_answers
from reference.icare.checks import check_record
from sessions.forms import catalog
from sessions.forms.schemas import IcareWarning


def icare_warnings(
    form_key: str, version: int, answers: Mapping[str, Any], *, today: dt.date
) -> list[IcareWarning]:
    mapping = catalog.icare_mapping(form_key, version)
    if mapping is None:  # an OCMS-only form: nothing goes to iCARE
        return []
    template = icare_catalog.template(mapping.template, version=mapping.template_version)
    key_of = {field_id: key for key, field_id in mapping.field_ids.items()}
    return [
        IcareWarning(
            field=f"answers.{key_of[problem.field_id]}",
            icare_field=problem.field_id,
            label=problem.label or problem.field_id,
            code=problem.code,
            message=problem.message,
        )
        for problem in check_record(template, cells_from_answers(template, answers), today=today)
        if problem.field_id in key_of
    ]
