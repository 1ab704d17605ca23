"""Which OCMS record feeds which iCARE template, and where each cell comes from.

Sessions derives its iCARE-mapped forms from the template descriptions with
`reference.icare.keys` (a question per field id, a choice key per exact label), so the
answers of a recorded form map back to cells with the same functions, without
importing sessions' code. Fields a form never asks are held by the session (date,
place, language of service) or the client profile (identifier, date of birth); the
export itself writes the update columns.
"""

from collections.abc import Mapping
from functools import cache

from reference.icare import Template, catalog

CLIENT_PROFILE = "client_profile"

# Service form key -> the template its rows go to (sessions' `icare.template` of each
# form definition; the forms of direct-service sessions).
FORM_TEMPLATES: dict[str, str] = {
    "needs_assessment": "needs_assessment_referrals",
    "information_orientation": "information_orientation",
    "community_connection": "community_connections",
    "employment": "employment",
}

# The group form of a group activity -> the template each named attendee's row goes to
# (the row: the group form's answers, then the attendee's own form's).
GROUP_FORM_TEMPLATES: dict[str, str] = {
    "io_group": "information_orientation",
    "cc_group": "community_connections",
    "employment_group": "employment",
}
GROUP_SESSION_TEMPLATES: dict[str, str] = {
    "io_group_activity": "information_orientation",
    "cc_group_activity": "community_connections",
    "employment_group_activity": "employment",
}
COURSE_SETUP = "lt_course_setup"
COURSE_ENROLMENT = "lt_client_enrolment"
COURSE_EXIT = "lt_client_exit"

# Kinds of service copies. A `group` row is a group activity's own form: not a record
# of its own, it fills the rows of the activity's attendees.
KIND_FORM = "form"
KIND_GROUP = "group"
KIND_ATTENDEE = "group_attendee"
KIND_COURSE = "course"
KIND_ENROLMENT = "enrolment"
KIND_EXIT = "exit"

# Cells the export writes itself, never taken from a record.
UPDATE_RECORD_ID = "update_record_id"
UPDATE_REASON = "assessment_update_reason_id"

# Cells the client profile holds, on every service template.
PROFILE_FIELDS = {
    "client_validation_type_id": "identifier_type",
    "client_validation_id": "identifier_value",
    "client_birth_dt": "birth_date",
}
# Cells the session holds: the date the service started, where, in which language.
SESSION_DATE_FIELDS = frozenset({"assessment_start_dt", "start_dttm"})
SESSION_LANGUAGE_FIELDS = frozenset(
    {"assessment_language_id", "service_language_id", "service_lang_id", "session_service_lang_id"}
)
SESSION_POSTAL_FIELD = "postal_cd"
# lt_course_setup's postal code is the course's address, a form answer.
POSTAL_FROM_FORM = frozenset({"lt_course_setup"})


@cache
def template(name: str) -> Template:
    return catalog.template(name)


@cache
def label_lookup(name: str, field_id: str) -> Mapping[str, str]:
    """Case- and space-insensitive text -> exact label, to recognise a free-text value
    (a session's language) that names a list value."""
    f = template(name).field(field_id)
    return {v.strip().casefold(): v for v in f.values or ()}


def update_reason_label(name: str, correcting: bool) -> str | None:
    """The template's own label for "Amend record" / "Correct error"."""
    t = template(name)
    if not t.has_field(UPDATE_REASON):
        return None
    values = t.field(UPDATE_REASON).values or ()
    wanted = "correct" if correcting else "amend"
    for value in values:
        if value.strip().casefold().startswith(wanted):
            return value
    return values[0] if values else None
