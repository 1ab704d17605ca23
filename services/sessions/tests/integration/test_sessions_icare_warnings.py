"""iCARE's checks run on a form as it is saved: warnings in the answer, the save goes
ahead (icare holds the record back at month end if it is still wrong)."""

import datetime as dt
from typing import Any

from kit.testing import Agency

from .test_sessions_records import complete_answers, new_session


def _warnings(form: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["field"], w["code"]) for w in form["icare_warnings"]]


async def test_a_future_date_and_dates_out_of_order_are_warned_at_save(agency: Agency) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    answers = {**complete_answers("needs_assessment"), "assessment_completed_dt": future}
    saved = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers},
    )
    assert saved.status_code == 201, saved.text
    assert ("answers.assessment_completed_dt", "date_in_future") in _warnings(saved.json())
    # Read back, the warning is still there until the answer is fixed.
    form = saved.json()
    fetched = await amal.get(f"/sessions/{session['id']}/forms/{form['id']}")
    assert _warnings(fetched.json()) == _warnings(form)


async def test_a_clean_form_has_no_warning_and_an_ocms_only_form_none_at_all(
    agency: Agency,
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    answers = {**complete_answers("needs_assessment"), "assessment_completed_dt": "2026-11-20"}
    clean = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers},
    )
    assert clean.status_code == 201, clean.text
    assert [w for w in _warnings(clean.json()) if w[1] != "missing"] == []

    order = {
        **complete_answers("community_connection"),
        "service_start_dt": "2026-11-20",
        "service_end_dt": "2026-11-01",
    }
    later = await new_session(amal, agency)
    refused_order = await amal.post(
        f"/sessions/{later['id']}/forms",
        json={"form_key": "community_connection", "answers": order, "draft": True},
    )
    assert refused_order.status_code == 201, refused_order.text
    assert ("answers.service_end_dt", "date_order") in _warnings(refused_order.json())

    ocms_only = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "non_specified", "answers": complete_answers("non_specified")},
    )
    assert ocms_only.status_code == 201, ocms_only.text
    assert ocms_only.json()["icare_warnings"] == []
