import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sessions.groups.schemas import FormVersionOut

__all__ = [
    "AttendanceMarkOut",
    "AttendanceStatus",
    "AttendanceSummaryOut",
    "AttendanceTake",
    "ClassAttendanceOut",
    "ClassSummary",
    "CourseCreate",
    "CourseOut",
    "CoursePage",
    "CourseUpdate",
    "EnrolmentCreate",
    "EnrolmentFormSave",
    "EnrolmentOut",
    "ExitSave",
    "FormVersionOut",
    "RosterEntry",
    "RosterOut",
]

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
AttendanceStatus = Literal["present", "absent", "excused", "late"]
# A class list is at most this long (a course has at most 50 spots; enrolments that
# exited stay listed).
MAX_CLASS = 500


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_id: uuid.UUID
    # The Course Open form (`lt_course_open`): code, teacher, dates, spots, schedule,
    # location, CLB levels offered ...
    answers: dict[str, Any] = Field(default_factory=dict)


class CourseUpdate(BaseModel):
    """The Course Open form again, whole: an amendment of the course (`reason` says why)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(default_factory=dict)
    reason: Reason


class CourseOut(BaseModel):
    id: uuid.UUID
    program_id: uuid.UUID
    code: str
    teacher: str
    capacity: int
    start_date: dt.date
    end_date: dt.date
    definition_version: int
    answers: dict[str, Any]
    enrolled_count: int
    spots_left: int
    created_by: uuid.UUID
    created_at: dt.datetime
    updated_by: uuid.UUID
    updated_at: dt.datetime
    versions: list[FormVersionOut]


class CoursePage(BaseModel):
    items: list[CourseOut]
    next_offset: int | None


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    # The Enrolment form (`lt_enrolment`); its course code is the course's own.
    answers: dict[str, Any] = Field(default_factory=dict)
    draft: bool = False


class EnrolmentFormSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(default_factory=dict)
    draft: bool = False
    # Why a completed form is changed (an amendment); required then.
    reason: Reason | None = None


class ExitSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The Exit form (`lt_exit`): training status, reason, CLB levels, certificate.
    answers: dict[str, Any] = Field(default_factory=dict)
    # Why a recorded exit is changed (an amendment); required then.
    reason: Reason | None = None


class EnrolmentFormOut(BaseModel):
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any]
    updated_by: uuid.UUID
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    versions: list[FormVersionOut]


class ExitOut(BaseModel):
    definition_version: int
    answers: dict[str, Any]
    training_status: str
    exit_date: dt.date
    exited_by: uuid.UUID
    exited_at: dt.datetime
    versions: list[FormVersionOut]


class EnrolmentOut(BaseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    course_code: str
    program_id: uuid.UUID
    client_id: uuid.UUID
    status: Literal["enrolled", "exited"]
    enrolled_by: uuid.UUID
    enrolled_at: dt.datetime
    first_class_date: dt.date | None
    form: EnrolmentFormOut
    exit: ExitOut | None


class AttendanceTake(BaseModel):
    """One class's attendance, the whole class at once: every client on the class list
    that day in exactly one of the lists."""

    model_config = ConfigDict(extra="forbid")

    present: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_CLASS)
    absent: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_CLASS)
    excused: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_CLASS)
    late: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_CLASS)
    # The form's "Hours attended", per client marked present or late (optional).
    hours: dict[uuid.UUID, float] = Field(default_factory=dict, max_length=MAX_CLASS)


class AttendanceMarkOut(BaseModel):
    client_id: uuid.UUID
    status: AttendanceStatus
    hours_attended: float | None


class ClassAttendanceOut(BaseModel):
    course_id: uuid.UUID
    class_date: dt.date
    definition_version: int
    marks: list[AttendanceMarkOut]
    present: int
    absent: int
    excused: int
    late: int
    # Present or late, of every mark of the class.
    attendance_rate: float | None
    recorded_by: uuid.UUID | None
    recorded_at: dt.datetime | None


class ClassSummary(BaseModel):
    class_date: dt.date
    present: int
    absent: int
    excused: int
    late: int
    attendance_rate: float | None


class AttendanceSummaryOut(BaseModel):
    course_id: uuid.UUID
    classes: list[ClassSummary]
    marks: int
    attended: int
    attendance_rate: float | None


class RosterEntry(BaseModel):
    client_id: uuid.UUID
    status: Literal["enrolled", "exited"]
    enrolled_at: dt.datetime
    first_class_date: dt.date | None
    form_status: Literal["draft", "completed"]
    exit_date: dt.date | None
    training_status: str | None
    # Classes the client was marked in, and attended (present or late) of those.
    classes_marked: int
    classes_attended: int
    attendance_rate: float | None
    # The hours attended the classes recorded (those given).
    hours_attended: float


class RosterOut(BaseModel):
    course_id: uuid.UUID
    code: str
    capacity: int
    enrolled_count: int
    exited_count: int
    spots_left: int
    classes_recorded: int
    # Every mark of every class: attended (present or late) / marked.
    attendance_rate: float | None
    clients: list[RosterEntry]
