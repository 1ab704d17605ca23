"""What referrals keeps of other services' data, learned from their events.

Only what reminders, greetings and the My work page need: a client's email, consent,
official language and name (for the greeting); staff emails and programs; programs'
names; who recently worked with which client; and the service forms still drafts.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class ClientCopy(Base):
    __tablename__ = "referral_client_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    restricted: Mapped[bool]
    consent_status: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(320))
    # iCARE "Official Language of Preference": English / French / Unknown/No preference.
    official_language: Mapped[str | None] = mapped_column(String(64))
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    # Set when the profile was merged into another one (the survivor).
    merged_into: Mapped[uuid.UUID | None]
    # clients' version: an older state never overwrites a newer one.
    version: Mapped[int]


class StaffCopy(Base):
    __tablename__ = "referral_staff_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    email: Mapped[str] = mapped_column(String(320))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()))
    manager_id: Mapped[uuid.UUID | None]
    active: Mapped[bool]
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProgramCopy(Base):
    __tablename__ = "referral_program_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool]
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Interaction(Base):
    """A worker worked with a client: a service recorded, a profile registered/updated."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "client_id", name="uq_interactions_kind_ref_client"),
        Index("ix_interactions_worker_at", "agency_id", "worker_id", "at"),
        Index("ix_interactions_client_id", "client_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    worker_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    # service_recorded | service_amended | client_registered | client_updated
    kind: Mapped[str] = mapped_column(String(32))
    # The form (services) or the client version's event (clients).
    ref_id: Mapped[uuid.UUID]
    # What it was about: a form key, or the changed field names.
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FormDraft(Base):
    """A service form as sessions last published it (`sessions.service.drafted.v1`), for
    its author's My work while it is a draft. Once sessions records the form
    (`.service.recorded.v1` / `.amended.v1`) the row stays as `completed`, so a draft
    event arriving late never brings it back; a draft event older (`saved_at`) than the
    draft held changes nothing."""

    __tablename__ = "referral_form_drafts"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'completed')", name="ck_referral_form_drafts_status_known"
        ),
        # My work: the author's drafts, oldest session first.
        Index(
            "ix_referral_form_drafts_author",
            "agency_id",
            "author_id",
            "session_date",
            postgresql_where="status = 'draft'",
        ),
    )

    # The form's id in sessions.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID]
    session_id: Mapped[uuid.UUID]
    session_type: Mapped[str] = mapped_column(String(64))
    session_date: Mapped[date] = mapped_column(Date)
    form_key: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]
    private: Mapped[bool]
    client_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()))
    # draft | completed (completed never goes back to draft)
    status: Mapped[str] = mapped_column(String(16))
    # When sessions saved this state (the form's `updated_at`): "last saved".
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MergeMove(Base):
    """A record re-pointed from an absorbed client to the survivor, so an unmerge can
    put it back."""

    __tablename__ = "client_merge_moves"

    merge_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID]
    from_client_id: Mapped[uuid.UUID]
