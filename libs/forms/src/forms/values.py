"""One answer value: its type check and its normal form.

Answers and the values a `visible_when` rule compares with both go through here, so a
rule and an answer never disagree on what "12" or "2024-01-05" means.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.definition import Question

# What a validated answer holds: text, ISO date and single choice are str, yes/no is
# bool, number is int (integer questions) or Decimal, multiple choice is a list of keys.
AnswerValue = str | bool | int | Decimal | list[str]

# Limits when a question sets none: an answer is stored in a JSONB column, unbounded
# text would let one form grow without end.
TEXT_MAX_LENGTH = 500
LONG_TEXT_MAX_LENGTH = 10_000

# Plain decimal notation only: no exponent ("1e400"), no NaN/Infinity, bounded size.
_NUMBER = re.compile(r"[+-]?\d{1,20}(\.\d{1,10})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class QuestionType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})


class Problem(Exception):
    """A value refused; `type` is the machine-readable code, `message` the human text."""

    def __init__(self, type_: str, message: str) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message


def is_blank(raw: object) -> bool:
    """No answer: what an empty form field sends. Blank answers are simply not stored."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list | tuple) and not raw


def normalise(
    q: Question, raw: object, *, strict: bool = True, kept_choices: Collection[str] = ()
) -> AnswerValue:
    """The normal form of a non-blank answer to `q`, or `Problem`.

    `strict=False` checks only the shape (type, existing choice keys, real dates), not
    the limits (length, range, selection count, retired choices): for an answer left
    as it was, which must stay valid after the definition tightened a limit.
    `kept_choices` are retired choices the record already held: keeping them is allowed.
    """
    match q.type:
        case QuestionType.TEXT | QuestionType.LONG_TEXT:
            return _text(q, raw, strict)
        case QuestionType.NUMBER:
            return _number(q, raw, strict)
        case QuestionType.DATE:
            return _date(q, raw, strict)
        case QuestionType.YES_NO:
            if not isinstance(raw, bool):
                raise Problem("invalid_type", "expected yes (true) or no (false)")
            return raw
        case QuestionType.SINGLE_CHOICE:
            return _choice(q, raw, strict, kept_choices)
        case QuestionType.MULTIPLE_CHOICE:
            return _choices(q, raw, strict, kept_choices)


def normalise_rule_value(q: Question, raw: object) -> str | bool | int | Decimal:
    """A value a rule compares `q`'s answer with. For a multiple choice question it is
    one choice key (the rule holds when that key is among the selected)."""
    if q.type is QuestionType.MULTIPLE_CHOICE:
        return _choice(q, raw, strict=False, kept=())
    value = normalise(q, raw, strict=False)
    assert not isinstance(value, list)  # only multiple choice answers are lists
    return value


def _text(q: Question, raw: object, strict: bool) -> str:
    if not isinstance(raw, str):
        raise Problem("invalid_type", "expected text")
    value = raw.strip()
    # PostgreSQL refuses NUL in JSONB: refuse it here, named, instead of a 500 on insert.
    if "\x00" in value:
        raise Problem("invalid_text", "must not contain NUL characters")
    if not strict:
        return value
    if q.type is QuestionType.TEXT and ("\n" in value or "\r" in value):
        raise Problem("invalid_text", "must be a single line")
    limit = q.max_length or (
        TEXT_MAX_LENGTH if q.type is QuestionType.TEXT else LONG_TEXT_MAX_LENGTH
    )
    if len(value) > limit:
        raise Problem("too_long", f"must be at most {limit} characters")
    return value


def _number(q: Question, raw: object, strict: bool) -> int | Decimal:
    # bool is an int in Python: a yes/no value is not a number.
    if isinstance(raw, bool):
        raise Problem("invalid_type", "expected a number")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        # JSON numbers arrive as float; repr is the shortest exact spelling (0.1 -> "0.1").
        value = Decimal(repr(raw))
    elif isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        raise Problem("invalid_type", "expected a number")
    if not value.is_finite():
        raise Problem("invalid_type", "expected a number")
    if q.integer and value != value.to_integral_value():
        raise Problem("not_integer", "expected a whole number")
    if strict and q.min_value is not None and value < q.min_value:
        raise Problem("out_of_range", f"must be at least {q.min_value}")
    if strict and q.max_value is not None and value > q.max_value:
        raise Problem("out_of_range", f"must be at most {q.max_value}")
    return int(value) if q.integer else value


# Every date answer lies on this calendar whatever the question's own bounds (the same
# range as kit.inputs.CalendarDate): PostgreSQL stores years 1 and 9999 as infinity,
# which date arithmetic downstream (reports, iCARE's checks) cannot take.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def _date(q: Question, raw: object, strict: bool) -> str:
    # datetime is a date subclass; a timestamp is not what a date question asks for.
    if isinstance(raw, date) and not isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and _DATE.fullmatch(raw.strip()):
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise Problem("invalid_date", "not a real date") from None
    else:
        raise Problem("invalid_type", "expected a date as YYYY-MM-DD")
    if strict and not EARLIEST_DATE <= value <= LATEST_DATE:
        first, last = EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()
        raise Problem("out_of_range", f"a date from {first} to {last}")
    if strict and q.min_date is not None and value < q.min_date:
        raise Problem("out_of_range", f"must be on or after {q.min_date.isoformat()}")
    if strict and q.max_date is not None and value > q.max_date:
        raise Problem("out_of_range", f"must be on or before {q.max_date.isoformat()}")
    return value.isoformat()


def _choice(q: Question, raw: object, strict: bool, kept: Collection[str]) -> str:
    if not isinstance(raw, str):
        raise Problem("invalid_type", "expected a choice key")
    choice = next((c for c in q.choices or () if c.key == raw), None)
    if choice is None:
        raise Problem("invalid_choice", f"'{raw}' is not a choice of this question")
    if strict and choice.retired and raw not in kept:
        raise Problem("retired_choice", f"'{raw}' is no longer offered")
    return raw


def _choices(q: Question, raw: object, strict: bool, kept: Collection[str]) -> list[str]:
    if not isinstance(raw, list | tuple):
        raise Problem("invalid_type", "expected a list of choice keys")
    selected = [_choice(q, item, strict, kept) for item in raw]
    if len(set(selected)) != len(selected):
        raise Problem("duplicate_choice", "a choice is selected more than once")
    if strict and q.min_selections is not None and len(selected) < q.min_selections:
        raise Problem("selection_count", f"select at least {q.min_selections}")
    if strict and q.max_selections is not None and len(selected) > q.max_selections:
        raise Problem("selection_count", f"select at most {q.max_selections}")
    # Definition order: the same selection is always stored the same way.
    order = {c.key: i for i, c in enumerate(q.choices or ())}
    return sorted(selected, key=order.__getitem__)
