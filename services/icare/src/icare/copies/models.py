"""What icare keeps of other services' data, as their events carried it.

Each row records when (or at which version) its producer made the state held, so an
older event arriving late never overwrites a newer state.
"""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Date, DateTime, Index, Integer, String, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class AgencyCopy(Base):
    __tablename__ = "icare_agencies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The agency's short code: part of every workbook's file name.
    code: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool]
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StaffCopy(Base):
    __tablename__ = "icare_staff"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # To tell admins their export is ready.
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool]
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ProgramCopy(Base):
    __tablename__ = "icare_programs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool]
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AgreementCopy(Base):
    __tablename__ = "icare_funding_agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    funder_id: Mapped[uuid.UUID]
    funder_code: Mapped[str] = mapped_column(String(32))
    funder_name: Mapped[str] = mapped_column(String(200))
    agreement_number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    program_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ClientCopy(Base):
    """A client profile as clients last published it (`contracts.clients.ClientProfile`
    as JSON: iCARE-listed values are iCARE's exact labels)."""

    __tablename__ = "icare_clients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The profile's own version: a lower one never overwrites a higher one.
    version: Mapped[int] = mapped_column(Integer)
    # Merged into another profile: records of this one are the survivor's.
    merged_into: Mapped[uuid.UUID | None]
    # The merge that did it (an unmerge with the same id undoes it).
    merge_id: Mapped[uuid.UUID | None]
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ServiceCopy(Base):
    """One completed service form with its session, as sessions last published it.

    `kind` tells what the record is (`form`: a service form of a direct-service session;
    `group`: a group activity's own form; `group_attendee`: one named attendee of it;
    `course`, `enrolment`, `exit`: language training), `template` the iCARE template its
    rows go to. `client_id` is the client as the session named them (a merge is resolved
    through `ClientCopy.merged_into` when rows are built).
    """

    __tablename__ = "icare_services"
    __table_args__ = (Index("ix_icare_services_agency_date", "agency_id", "service_date"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[uuid.UUID | None]
    # The session's whole record (`contracts.sessions.SessionRecord` as JSON).
    session: Mapped[dict[str, Any]] = mapped_column(JSONB)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    client_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    worker_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]
    service_date: Mapped[dt.date] = mapped_column(Date)
    # The form's version (1 as completed, +1 per amendment).
    version: Mapped[int] = mapped_column(Integer)
    private: Mapped[bool]
    source_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
