"""Who sees a task or a referral: the visibility rule both share (and the program
a new one is recorded under).

A worker sees what is assigned to them or what they created, and what belongs to
their programs unless it is private; a manager also sees their team's (the workers
they manage, from the token's `manages`); an agency admin sees the agency's. Queries
apply it (repositories), row-level security backs it up.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from kit.auth import Principal, Role
from kit.errors import Invalid


@dataclass(frozen=True)
class Viewer:
    user_id: uuid.UUID
    agency_id: uuid.UUID
    programs: frozenset[uuid.UUID]
    manages: frozenset[uuid.UUID]
    sees_all: bool

    @classmethod
    def of(cls, actor: Principal) -> "Viewer":
        return cls(
            user_id=actor.user_id,
            agency_id=actor.agency_id,
            programs=actor.programs,
            manages=actor.manages,
            sees_all=actor.role == Role.AGENCY_ADMIN,
        )


def visible(
    viewer: Viewer,
    *,
    people: Sequence[InstrumentedAttribute[uuid.UUID]],
    programs: Sequence[InstrumentedAttribute[uuid.UUID | None]],
    private: InstrumentedAttribute[bool],
) -> ColumnElement[bool]:
    """`people` are the columns naming who it belongs to (assignee, author...),
    `programs` the columns naming the programs whose members see it."""
    if viewer.sees_all:
        return true()
    own = or_(*(column == viewer.user_id for column in people))
    team = or_(*(column.in_(viewer.manages) for column in people)) if viewer.manages else false()
    in_programs = (
        or_(*(column.in_(viewer.programs) for column in programs)) if viewer.programs else false()
    )
    return or_(own, team, and_(private.is_(False), in_programs))


def acting_program(actor: Principal, program_id: uuid.UUID | None) -> uuid.UUID | None:
    """The program a new task or referral is recorded under: the one named (one of the
    actor's), else the actor's only program, else none."""
    if program_id is None:
        return next(iter(actor.programs)) if len(actor.programs) == 1 else None
    if program_id not in actor.programs:
        raise Invalid("program_id", "is not one of your programs")
    return program_id
