"""The dates of a course's forms: read as dates, and kept within the course."""

import datetime as dt
from typing import Any

from kit.errors import Invalid
from sessions.courses.models import LanguageCourse


def as_date(value: Any) -> dt.date:
    """A validated form's date answer (a date, or its ISO text) as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def within_course(course: LanguageCourse, day: dt.date, field: str, what: str) -> None:
    """Refuse `day` (`what`, at `field`) outside the course's dates."""
    if not course.start_date <= day <= course.end_date:
        raise Invalid(
            field, f"{what} is outside the course ({course.start_date} to {course.end_date})"
        )
