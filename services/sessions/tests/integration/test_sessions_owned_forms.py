"""The forms recorded by their own flow (a group attendee's form, the language-training
forms) are refused as a session's form (POST /sessions/{id}/forms): a 422 naming
`form_key` and the endpoint that records it, and nothing stored, published or audited
as a form. The group's own form and the direct-service forms are still a session's."""

import uuid

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.clock import utcnow
from kit.testing import Agency
from sessions.forms import catalog, owned
from sessions.groups.service import GROUP_FORMS

from .test_sessions_groups import answers_for, clients, new_group
from .test_sessions_records import fields, new_session

# Session type the owned form is listed under -> the owned forms (and a form it holds).
LISTED = {
    "language_training": ("lt_course_open", "lt_enrolment", "lt_exit", "lt_attendance"),
    "cc_group_activity": ("cc_attendee",),
    "io_group_activity": ("group_attendee",),
    "employment_group_activity": ("group_attendee",),
}


def test_the_owned_forms_are_the_attendee_and_language_training_forms() -> None:
    assert set(owned.OWNED) == {
        "group_attendee", "cc_attendee",
        "lt_course_open", "lt_enrolment", "lt_exit", "lt_attendance",
    }  # fmt: skip
    for key in owned.OWNED:
        catalog.definition(key)  # each a form of the catalog
    # Still listed for their session type (the user guide's list the web app builds from).
    for session_type, keys in LISTED.items():
        assert set(keys) <= set(catalog.forms_for(session_type))
    # Each group type's attendee form is the one its attendees fill in.
    for group_form, attendee_form in GROUP_FORMS.values():
        assert owned.flow(attendee_form) is not None
        assert owned.flow(group_form) is None


async def test_an_owned_form_is_refused_naming_its_endpoint(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    [attendee] = await clients(agency, 1)
    for session_type, keys in LISTED.items():
        client_ids = [attendee] if session_type in GROUP_FORMS else []
        session = await new_group(amal, agency, session_type, client_ids=client_ids)
        for key in keys:
            flow = owned.flow(key)
            assert flow is not None
            for draft in (False, True):
                response = await amal.post(
                    f"/sessions/{session['id']}/forms",
                    json={"form_key": key, "answers": answers_for(key), "draft": draft},
                )
                assert response.status_code == 422, (key, response.text)
                assert fields(response) == ["form_key"], key
                error = response.json()["error"]
                assert error["code"] == "form_recorded_elsewhere"
                assert flow.endpoint in error["fields"][0]["message"], error
        listed = await amal.get(f"/sessions/{session['id']}/forms")
        assert listed.json()["items"] == []
        stored = await admin_db.fetchval(
            "SELECT count(*) FROM service_forms WHERE session_id = $1", uuid.UUID(session["id"])
        )
        assert stored == 0
        published = await admin_db.fetchval(
            "SELECT count(*) FROM outbox WHERE payload->'session'->>'id' = $1"
            " AND routing_key LIKE 'sessions.service.%'",
            session["id"],
        )
        assert published == 0
        audited = await admin_db.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'service_form.added'",
            session["id"],
        )
        assert audited == 0


async def test_an_owned_form_is_named_on_a_session_of_another_type_too(agency: Agency) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)  # a direct service
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "lt_enrolment", "answers": answers_for("lt_enrolment")},
    )
    assert response.status_code == 422 and fields(response) == ["form_key"]
    assert "POST /courses/{course_id}/enrolments" in response.text


async def test_a_language_training_session_holds_no_form_of_its_own(agency: Agency) -> None:
    amal = agency.worker()
    session = await new_group(amal, agency, "language_training")
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers_for("needs_assessment")},
    )
    assert response.status_code == 422 and fields(response) == ["form_key"]
    assert response.json()["error"]["code"] == "invalid"
    assert "holds no form of its own" in response.text


async def test_the_group_form_and_its_attendees_forms_still_work(agency: Agency) -> None:
    amal = agency.worker()
    [attendee] = await clients(agency, 1)
    for session_type, (group_form, attendee_form) in GROUP_FORMS.items():
        group = await new_group(amal, agency, session_type, client_ids=[attendee])
        saved = await amal.post(
            f"/sessions/{group['id']}/forms",
            json={"form_key": group_form, "answers": answers_for(group_form)},
        )
        assert saved.status_code == 201, saved.text
        own = await amal.put(
            f"/sessions/{group['id']}/attendees/{attendee}/form",
            json={"answers": answers_for(attendee_form)},
        )
        assert own.status_code == 200, own.text
        assert own.json()["form"]["form_key"] == attendee_form


async def test_one_saved_here_before_is_read_never_changed_here(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    """Forms of an owned key saved through this endpoint before it refused them: still
    read, never changed, completed or amended here (nothing published)."""
    amal = agency.worker()
    session = await new_group(amal, agency, "language_training")
    path = f"/sessions/{session['id']}/forms"
    ids = {}
    for key, status in (("lt_enrolment", "draft"), ("lt_exit", "completed")):
        ids[key] = uuid.uuid4()
        await admin_db.execute(
            "INSERT INTO service_forms (id, agency_id, session_id, form_key, definition_version,"
            " answers, status, author_id, private, agency_answers, version, updated_by,"
            " created_at, updated_at, completed_at)"
            " VALUES ($1, $2, $3, $4, 1, '{}'::jsonb, $5, $6, false, '{}'::jsonb, $7, $6,"
            " now(), now(), $8)",
            ids[key], agency.id, uuid.UUID(session["id"]), key, status, amal.id,
            1 if status == "completed" else 0, utcnow() if status == "completed" else None,
        )  # fmt: skip
    listed = await amal.get(path)
    assert {f["form_key"] for f in listed.json()["items"]} == {"lt_enrolment", "lt_exit"}

    draft = f"{path}/{ids['lt_enrolment']}"
    assert (await amal.get(draft)).status_code == 200
    for body in ({"answers": answers_for("lt_enrolment")}, {"draft": False}):
        refused = await amal.patch(draft, json=body)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "form_recorded_elsewhere"
        assert fields(refused) == ["form_key"]
        assert "POST /courses/{course_id}/enrolments" in refused.text
    completed = f"{path}/{ids['lt_exit']}"
    amended = await amal.post(
        f"{completed}/amendments",
        json={"answers": answers_for("lt_exit"), "reason": "wrong course"},
    )
    assert amended.status_code == 409 and fields(amended) == ["form_key"], amended.text
    assert "/exit" in amended.text

    published = await admin_db.fetchval(
        "SELECT count(*) FROM outbox WHERE payload->'form'->>'id' = ANY($1::text[])",
        [str(i) for i in ids.values()],
    )
    assert published == 0
