"""The service forms recorded by their own flow, never as a session's form.

A group attendee's form belongs to a named attendee of a group activity, and the
language-training forms to a course (its setup, a client's enrolment and exit, a class's
attendance). Saved through `POST /sessions/{session_id}/forms` they would be orphans (an
attendee form with no attendee, an enrolment with no course) that no consumer
understands, so that endpoint refuses them and names the endpoint that records each.

The catalog's `SESSION_TYPES` still lists them among the forms of their session type
(the user guide's list, from which the web app builds its forms); this module says
where each is filled in. `sessions.groups` and `sessions.courses` take their form keys
from here.
"""

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "ATTENDEE_FORMS",
    "COURSE_ATTENDANCE",
    "COURSE_ENROLMENT",
    "COURSE_EXIT",
    "COURSE_OPEN",
    "OWNED",
    "Flow",
    "flow",
]


@dataclass(frozen=True)
class Flow:
    """Where a form is recorded: what it goes with, and the endpoint."""

    what: str
    endpoint: str


# Group session type -> each named attendee's form.
ATTENDEE_FORMS: MappingProxyType[str, str] = MappingProxyType(
    {
        "cc_group_activity": "cc_attendee",
        "io_group_activity": "group_attendee",
        "employment_group_activity": "group_attendee",
    }
)
_ATTENDEE = Flow(
    "a named attendee of the group activity",
    "PUT /sessions/{session_id}/attendees/{client_id}/form",
)

COURSE_OPEN = "lt_course_open"
COURSE_ENROLMENT = "lt_enrolment"
COURSE_EXIT = "lt_exit"
COURSE_ATTENDANCE = "lt_attendance"

# Form key -> where it is recorded.
OWNED: MappingProxyType[str, Flow] = MappingProxyType(
    {
        **dict.fromkeys(ATTENDEE_FORMS.values(), _ATTENDEE),
        COURSE_OPEN: Flow("setting up a language course", "POST /courses"),
        COURSE_ENROLMENT: Flow(
            "a client's enrolment in a course", "POST /courses/{course_id}/enrolments"
        ),
        COURSE_EXIT: Flow(
            "a client's exit from a course", "PUT /courses/{course_id}/enrolments/{client_id}/exit"
        ),
        COURSE_ATTENDANCE: Flow(
            "a class's attendance, the whole class at once",
            "PUT /courses/{course_id}/attendance/{class_date}",
        ),
    }
)


def flow(form_key: str) -> Flow | None:
    """Where `form_key` is recorded, or None for a form a session holds itself."""
    return OWNED.get(form_key)
