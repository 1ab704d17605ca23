"""Events published by sessions. Each carries the whole record as it now stands, so a
consumer keeps its own copy by upserting on the form's `id` (and never calls back).

Answers are keyed by the form definition's question keys (`form_key` at
`definition_version`): text, dates (YYYY-MM-DD) and choice keys as strings, yes/no as
booleans, whole numbers as integers, other numbers as decimal strings, multiple choice
as lists of keys.
"""

import datetime as dt
import uuid
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

DeliveryMode = Literal["in_person", "phone", "email", "online"]


class SessionFunder(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # identity's funder id when known; the name as shown on the session.
    id: uuid.UUID | None = None
    name: str


class SessionRecord(BaseModel):
    """The when/where/who of a service."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    type: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str | None = None
    # Where the service was received: A#A#A#, upper case, no space.
    postal_code: str | None = None
    delivery_mode: DeliveryMode
    language_of_service: str
    worker_id: uuid.UUID
    program_id: uuid.UUID
    funders: list[SessionFunder] = Field(default_factory=list)
    client_ids: list[uuid.UUID] = Field(default_factory=list)
    private: bool = False
    created_at: dt.datetime


class ServiceFormRecord(BaseModel):
    """One service form of a session."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    session_id: uuid.UUID
    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any] = Field(default_factory=dict)
    author_id: uuid.UUID
    private: bool = False
    created_at: dt.datetime
    completed_at: dt.datetime | None = None
    # Optional: absent from producers that predate them.
    # 1 as completed, +1 per amendment (0 while a draft).
    version: int | None = None
    updated_at: dt.datetime | None = None
    # The agency's own questions on the form: the set version answered and the answers.
    agency_set_version: int | None = None
    agency_answers: dict[str, Any] = Field(default_factory=dict)


class ServiceRecorded(IntegrationEvent):
    """A service form was completed: the form and its session, whole."""

    routing_key: ClassVar[str] = "sessions.service.recorded.v1"

    session: SessionRecord
    form: ServiceFormRecord


FollowUpKind = Literal["task", "referral"]
ReferralKind = Literal["internal", "external"]


class FollowUpRequested(IntegrationEvent):
    """A service form asked for a task or a referral; referrals owns them from here.

    `request_id` is stable for one request of one form (the same id however often the
    event is delivered or the form is amended), so the consumer creates it once.
    """

    routing_key: ClassVar[str] = "sessions.follow_up.requested.v1"

    request_id: uuid.UUID
    kind: FollowUpKind
    session_id: uuid.UUID
    form_id: uuid.UUID
    form_key: str
    client_id: uuid.UUID
    program_id: uuid.UUID
    # The worker who completed the form; the task's assignee unless `assignee_id` is set.
    requested_by: uuid.UUID
    assignee_id: uuid.UUID | None = None
    # What the task is, or the need the referral answers.
    need: str
    note: str | None = None
    due_date: dt.date | None = None
    # Referrals only: internal to another program of the agency, or external to a partner
    # of the agency's directory (by id when known, else by name).
    referral_kind: ReferralKind | None = None
    to_program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    partner_name: str | None = None
    private: bool = False


class FormAmendment(BaseModel):
    """Who changed a completed form, when, why, and what changed."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # The form's version this amendment made (the version it replaced is one less).
    version: int
    reason: str
    amended_by: uuid.UUID
    amended_at: dt.datetime
    # `answers.<key>` / `agency_answers.<key>` whose value changed (never the values).
    changed_fields: list[str] = Field(default_factory=list)


class ServiceAmended(IntegrationEvent):
    """A completed service form was amended: the form as it now stands and its session,
    whole, and the amendment. Every earlier version stays readable in sessions."""

    routing_key: ClassVar[str] = "sessions.service.amended.v1"

    session: SessionRecord
    form: ServiceFormRecord
    amendment: FormAmendment


class NewcomerChildCare(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # iCARE "Age of newcomer child" and "Type of care" as their exact labels.
    age_group: str
    care_type: str


class LanguagePair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # iCARE language labels ("English", "Arabic" ...).
    from_language: str
    to_language: str


class SupportServicesRecord(BaseModel):
    """The support services one client received in one session."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: uuid.UUID
    client_id: uuid.UUID
    childminding: list[NewcomerChildCare] = Field(default_factory=list)
    transportation: bool = False
    disability_support: bool = False
    translation: LanguagePair | None = None
    interpretation: LanguagePair | None = None
    crisis_counselling: bool = False
    recorded_by: uuid.UUID
    updated_at: dt.datetime


class SupportServicesRecorded(IntegrationEvent):
    """Support services of a client in a session were recorded or changed: the record
    as it now stands (upsert on `session_id` + `client_id`) and its session, whole. No
    service received is a record with every service false/empty."""

    routing_key: ClassVar[str] = "sessions.support.recorded.v1"

    session: SessionRecord
    support: SupportServicesRecord


# --- group activities and language courses --------------------------------------------


class FormVersion(BaseModel):
    """One completed version of a form, kept forever: version 1 as completed, then one
    per amendment, with who saved it, when and (for an amendment) why."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int
    definition_version: int
    answers: dict[str, Any] = Field(default_factory=dict)
    saved_by: uuid.UUID
    saved_at: dt.datetime
    reason: str | None = None


class AttendeeFormRecord(BaseModel):
    """A named attendee's own form (`cc_attendee` or `group_attendee`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any] = Field(default_factory=dict)
    author_id: uuid.UUID
    updated_by: uuid.UUID
    updated_at: dt.datetime
    completed_at: dt.datetime | None = None
    # Every completed version, oldest first; the last is the current one.
    versions: list[FormVersion] = Field(default_factory=list)


class GroupAttendeeRecord(BaseModel):
    """One named attendee of a group activity."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: uuid.UUID
    added_by: uuid.UUID
    added_at: dt.datetime
    form: AttendeeFormRecord | None = None


class GroupAttendanceUpdated(IntegrationEvent):
    """Who attended a group activity changed (a named attendee added or removed, the
    count of anonymous attendees, an attendee's form): the whole attendance as it now
    stands. Upsert on `session.id`; `session.client_ids` lists the named attendees."""

    routing_key: ClassVar[str] = "sessions.group_attendance.updated.v1"

    session: SessionRecord
    attendee_form_key: str
    attendees: list[GroupAttendeeRecord] = Field(default_factory=list)
    anonymous_count: int = 0


class CourseRecord(BaseModel):
    """A language course as set up by its Course Open form (`lt_course_open`): `answers`
    holds every field (teacher, enrolment and class details, location, CLB levels
    offered, schedule, spots); the others are read from them."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    program_id: uuid.UUID
    # Unique in the agency (case-insensitive); the form's `course_cd`.
    code: str
    teacher: str
    # Total number of spots in the course.
    capacity: int
    start_date: dt.date
    end_date: dt.date
    definition_version: int
    answers: dict[str, Any] = Field(default_factory=dict)
    created_by: uuid.UUID
    created_at: dt.datetime
    updated_by: uuid.UUID
    updated_at: dt.datetime
    # Every completed version, oldest first; the last is the current one.
    versions: list[FormVersion] = Field(default_factory=list)


class _CourseState(IntegrationEvent):
    course: CourseRecord


class CourseOpened(_CourseState):
    """A language course was set up (its Course Open form): the whole course."""

    routing_key: ClassVar[str] = "sessions.course.opened.v1"


class CourseUpdated(_CourseState):
    """A language course's Course Open form was amended: the whole course, with every
    version of its form."""

    routing_key: ClassVar[str] = "sessions.course.updated.v1"


class EnrolmentFormRecord(BaseModel):
    """The client's Enrolment form (`lt_enrolment`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any] = Field(default_factory=dict)
    updated_by: uuid.UUID
    updated_at: dt.datetime
    completed_at: dt.datetime | None = None
    # Every completed version, oldest first; the last is the current one.
    versions: list[FormVersion] = Field(default_factory=list)


class CourseExitRecord(BaseModel):
    """The client's Exit form (`lt_exit`): training status, reason, CLB levels reached,
    certificate."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    definition_version: int
    answers: dict[str, Any] = Field(default_factory=dict)
    # The form's `training_status_id` choice key.
    training_status: str
    # The form's exit date, else the day the exit was recorded.
    exit_date: dt.date
    exited_by: uuid.UUID
    exited_at: dt.datetime
    # Every completed version, oldest first; the last is the current one.
    versions: list[FormVersion] = Field(default_factory=list)


class CourseEnrolmentRecord(BaseModel):
    """One client's enrolment in a language course, with its exit once recorded."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    course_id: uuid.UUID
    course_code: str
    program_id: uuid.UUID
    client_id: uuid.UUID
    status: Literal["enrolled", "exited"]
    enrolled_by: uuid.UUID
    enrolled_at: dt.datetime
    # The form's first class date, when answered.
    first_class_date: dt.date | None = None
    form: EnrolmentFormRecord
    exit: CourseExitRecord | None = None


class CourseEnrolmentRecorded(IntegrationEvent):
    """A client was enrolled in a course, or their Enrolment form changed: the whole
    enrolment. Upsert on `enrolment.id`."""

    routing_key: ClassVar[str] = "sessions.course_enrolment.recorded.v1"

    enrolment: CourseEnrolmentRecord


class CourseEnrolmentExited(IntegrationEvent):
    """A client's exit from a course was recorded (or its Exit form changed): the whole
    enrolment, `exit` set."""

    routing_key: ClassVar[str] = "sessions.course_enrolment.exited.v1"

    enrolment: CourseEnrolmentRecord


AttendanceStatus = Literal["present", "absent", "excused", "late"]


class AttendanceMark(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: uuid.UUID
    # The Attendance form's (`lt_attendance`) choice keys.
    status: AttendanceStatus
    # Its "Hours attended", when given (present or late only).
    hours_attended: float | None = None


class CourseAttendanceRecorded(IntegrationEvent):
    """The attendance of one class of a course, taken for the whole class at once (or
    taken again): every mark of that class date. Upsert on (`course_id`, `class_date`);
    a client missing from `marks` has no mark for that class any more."""

    routing_key: ClassVar[str] = "sessions.course_attendance.recorded.v1"

    course_id: uuid.UUID
    course_code: str
    program_id: uuid.UUID
    class_date: dt.date
    definition_version: int
    marks: list[AttendanceMark] = Field(default_factory=list)
    recorded_by: uuid.UUID
    recorded_at: dt.datetime


class DraftSaved(IntegrationEvent):
    """A service form was saved as a draft (added with `draft: true`) or a draft was
    changed: the form as it now stands (`status` "draft", `version` 0) and its session,
    whole. Upsert on `form.id`; a state older (`form.updated_at`) than the one held
    changes nothing. Completing the draft publishes `sessions.service.recorded.v1` for
    the same form id: from then on it is no longer a draft, whatever draft event arrives
    late. Sessions has no deletion of a draft, so no event for one."""

    routing_key: ClassVar[str] = "sessions.service.drafted.v1"

    session: SessionRecord
    form: ServiceFormRecord
