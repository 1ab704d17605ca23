"""Every query of client search: the name-key table and the candidates' profiles.

Agency isolation is in every WHERE and, underneath, in row-level security. A profile
whose consent was withdrawn is never a candidate: it has no name keys, and the exact
lookups below leave it out (its identifying fields are hidden).
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles.models import Client
from clients.search.models import ClientNameKey, ClientPhoneKey


@dataclass(frozen=True)
class Options:
    """Filters that narrow any search (never a reason to match)."""

    gender: str | None = None
    language: str | None = None
    status: str | None = None  # immigration status
    registered_from: datetime | None = None
    registered_to: datetime | None = None  # exclusive
    kind: str | None = None
    program: uuid.UUID | None = None  # one of the programs serving the client


@dataclass(frozen=True)
class Exact:
    """Exact values, already normalised (phone digits, upper-case identifier ...)."""

    phone_key: str | None = None
    identifier: str | None = None
    email: str | None = None
    birth_date: date | None = None
    postal_code: str | None = None  # A1A1A1, or A1A for the area


async def delete_keys(db: AsyncSession, client_id: uuid.UUID) -> None:
    """The client's name and phone keys, all of them."""
    await db.execute(delete(ClientNameKey).where(ClientNameKey.client_id == client_id))
    await db.execute(delete(ClientPhoneKey).where(ClientPhoneKey.client_id == client_id))


async def insert_keys(
    db: AsyncSession,
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    birth_date: date | None,
    keys: Iterable[str],
    phone_keys: Iterable[str] = (),
) -> None:
    rows = [
        {"client_id": client_id, "key": key, "agency_id": agency_id, "birth_date": birth_date}
        for key in sorted(keys)
    ]
    if rows:
        await db.execute(insert(ClientNameKey), rows)
    phones = [
        {"client_id": client_id, "phone_key": key, "agency_id": agency_id}
        for key in sorted(set(phone_keys))
    ]
    if phones:
        await db.execute(insert(ClientPhoneKey), phones)


def has_phone_key(agency_id: uuid.UUID, phone_key: str) -> ColumnElement[bool]:
    """`Client` has this phone key: a b-tree lookup in `client_phone_keys`.

    The explicit `agency_id =` (besides row-level security) puts the lookup on
    `ix_client_phone_keys_lookup`; `clients.phone_keys @> ...` would scan the table.
    """
    return Client.id.in_(
        select(ClientPhoneKey.client_id).where(
            ClientPhoneKey.agency_id == agency_id, ClientPhoneKey.phone_key == phone_key
        )
    )


async def ids_by_keys(
    db: AsyncSession,
    agency_id: uuid.UUID,
    keys: Iterable[str],
    *,
    birth_date: date | None,
    exclude: Sequence[uuid.UUID],
    limit: int,
) -> list[uuid.UUID]:
    """Clients having any of `keys` (b-tree lookups), at most `limit` of them.

    The index range is read first, bounded by its own LIMIT, and only then made
    distinct: a client holds each key once, so `limit * len(keys)` rows hold `limit`
    distinct clients whenever there are that many. (A `GROUP BY client_id LIMIT` made
    the planner walk the primary key in client order, filtering keys: 25-110 ms for a
    common name at 1M clients, against ~1.5 ms on `ix_client_name_keys_lookup`.)
    """
    wanted = sorted(set(keys))
    if not wanted or limit <= 0:
        return []
    rows = select(ClientNameKey.client_id).where(
        ClientNameKey.agency_id == agency_id, ClientNameKey.key.in_(wanted)
    )
    if birth_date is not None:
        rows = rows.where(ClientNameKey.birth_date == birth_date)
    if exclude:
        rows = rows.where(ClientNameKey.client_id.not_in(exclude))
    found = rows.limit(limit * len(wanted)).subquery("found")
    query = select(found.c.client_id).distinct().limit(limit)
    return list(await db.scalars(query))


def _options(options: Options) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if options.gender is not None:
        where.append(Client.gender == options.gender)
    if options.language is not None:
        where.append(
            or_(
                Client.official_language == options.language,
                Client.other_languages.contains([options.language]),
            )
        )
    if options.status is not None:
        where.append(Client.immigration_status == options.status)
    if options.registered_from is not None:
        where.append(Client.created_at >= options.registered_from)
    if options.registered_to is not None:
        where.append(Client.created_at < options.registered_to)
    if options.kind is not None:
        where.append(Client.kind == options.kind)
    if options.program is not None:
        where.append(Client.program_ids.contains([options.program]))
    return where


def _exact(agency_id: uuid.UUID, exact: Exact) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if exact.phone_key:
        where.append(has_phone_key(agency_id, exact.phone_key))
    if exact.identifier:
        where.append(Client.identifier_value == exact.identifier)
    if exact.email:
        where.append(Client.email == exact.email)  # stored lower-cased
    if exact.birth_date is not None:
        where.append(Client.birth_date == exact.birth_date)
    if exact.postal_code and len(exact.postal_code) == 6:
        where.append(Client.postal_code == exact.postal_code)
    elif exact.postal_code:
        where.append(Client.postal_code.startswith(exact.postal_code, autoescape=True))
    return where


async def load(
    db: AsyncSession, agency_id: uuid.UUID, ids: Sequence[uuid.UUID], options: Options
) -> list[Client]:
    """The candidates' profiles that pass the options."""
    if not ids:
        return []
    query = select(Client).where(
        Client.agency_id == agency_id,
        Client.id.in_(ids),
        Client.consent_status != "withdrawn",
        Client.status == "active",
        *_options(options),
    )
    return list(await db.scalars(query))


async def matching(
    db: AsyncSession,
    agency_id: uuid.UUID,
    exact: Exact,
    options: Options,
    *,
    match_all: bool,
    exclude: Sequence[uuid.UUID],
    limit: int,
) -> list[Client]:
    """Clients matching the exact values: all of them, or any of them (`match_all`)."""
    conditions = _exact(agency_id, exact)
    if not conditions:
        return []
    query = select(Client).where(
        Client.agency_id == agency_id,
        Client.consent_status != "withdrawn",
        Client.status == "active",
        and_(*conditions) if match_all else or_(*conditions),
        *_options(options),
    )
    if exclude:
        query = query.where(Client.id.not_in(exclude))
    query = query.order_by(Client.created_at.desc(), Client.id).limit(limit)
    return list(await db.scalars(query))
