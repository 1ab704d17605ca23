"""Importing existing clients: every row checked with the profile rules, a report per row,
identifiers already known (or twice in the file) rejected, likely duplicates (same name
and date of birth) flagged; rows imported through the normal registration use case, in
the caller's transaction, with one `clients.imported` audit entry for the file."""

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clients.imports import repository as repo
from clients.imports.columns import column_for, to_body
from clients.imports.parse import FileRefused, Row, Table, read
from clients.imports.schemas import (
    ImportReport,
    Mode,
    PossibleDuplicate,
    RowError,
    RowReport,
    TemplateFormat,
)
from clients.imports.template import csv_template, xlsx_template
from clients.profiles import service as profiles
from clients.profiles.fields import apply_fields
from clients.profiles.schemas import AddressIn, ConsentIn, NamedCreate, ProfileFields
from clients.search.normalise import words
from kit.auth import Principal
from kit.errors import DomainError
from kit.logs import get_logger

log = get_logger()

MAX_BYTES = 5 * 1024 * 1024
# More refusals than this for one row means the row is not what we think it is.
MAX_ERRORS_PER_ROW = 40


class FileTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


class FileInvalid(DomainError):
    status_code = 422
    code = "invalid_file"


async def template(fmt: TemplateFormat) -> bytes:
    return await asyncio.to_thread(xlsx_template if fmt is TemplateFormat.XLSX else csv_template)


async def read_table(content: bytes) -> Table:
    """The file as a table of the template's columns, or a 413/422 naming what is wrong."""
    if len(content) > MAX_BYTES:
        raise FileTooLarge(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not content:
        raise FileInvalid("The file is empty", code="empty_file")
    try:
        return await asyncio.to_thread(read, content)
    except FileRefused as exc:
        error = FileTooLarge if exc.too_large else FileInvalid
        raise error(exc.message, code=exc.code, fields=exc.fields) from None


@dataclass
class _Checked:
    row: int
    errors: dict[str, str] = field(default_factory=dict)  # column key -> reason
    data: NamedCreate | None = None
    identifier: tuple[str, str] | None = None
    person: tuple[date, tuple[str, ...]] | None = None
    duplicates: list[PossibleDuplicate] = field(default_factory=list)
    client_id: uuid.UUID | None = None

    def refuse(self, key: str, message: str) -> bool:
        """Record the first reason for a column; False if it already had one."""
        if key in self.errors:
            return False
        self.errors[key] = message
        return True

    @property
    def status(self) -> Literal["valid", "rejected", "duplicate"]:
        if self.errors:
            return "rejected"
        return "duplicate" if self.duplicates else "valid"


def _key(loc: tuple[int | str, ...]) -> str:
    return column_for(".".join(str(p) for p in loc if not isinstance(p, int)))


def _schema_checked(checked: _Checked, body: dict[str, Any]) -> ProfileFields | None:
    """The row's profile fields through the API's schema; refused fields are left out
    (and named) so that the rest is still checked."""
    for _ in range(MAX_ERRORS_PER_ROW):
        try:
            return ProfileFields.model_validate(body)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                checked.refuse(_key(loc), error["msg"])
                group = body.get(str(loc[0]))
                if len(loc) > 1 and isinstance(group, dict) and isinstance(loc[1], str):
                    group.pop(loc[1], None)
                else:
                    body.pop(str(loc[0]), None)
    return None


def _rules_checked(actor: Principal, checked: _Checked, profile: ProfileFields) -> Any:
    """The profile rules (lists, formats, rules between fields) on a client that is never
    saved. Each refused field is set aside and the rest checked again."""
    given = set(profile.model_fields_set)
    for _ in range(MAX_ERRORS_PER_ROW):
        client = profiles.new_client(actor, "named")
        try:
            apply_fields(client, profile, given)
            return client
        except DomainError as exc:
            name = exc.fields[0]["field"] if exc.fields else "row"
            if not checked.refuse(
                column_for(name), exc.fields[0]["message"] if exc.fields else exc.message
            ):
                return None
            top, _, sub = name.partition(".")
            if top == "address" and sub and profile.address is not None:
                kept = profile.address.model_fields_set - {sub}
                address = AddressIn(**profile.address.model_dump(include=kept))
                profile = profile.model_copy(update={"address": address})
            elif top in given:
                given.discard(top)
            else:
                return None
    return None


def check_row(actor: Principal, row: Row) -> _Checked:
    """One row, with the same schema and rules as `POST /clients`."""
    checked = _Checked(row.number)
    body, cell_errors = to_body(row.cells)
    for key, message in cell_errors:
        checked.refuse(key, message)
    consent_body = body.pop("consent")
    consent: ConsentIn | None = None
    try:
        consent = ConsentIn.model_validate(consent_body)
    except ValidationError as exc:
        for error in exc.errors():
            checked.refuse(_key(("consent", *error["loc"])), error["msg"])
    profile = _schema_checked(checked, body)
    client = _rules_checked(actor, checked, profile) if profile is not None else None
    if consent is not None and client is not None:
        try:
            profiles.consent_given(client, actor, consent)  # checks the language; saves nothing
        except DomainError as exc:
            checked.refuse(column_for(exc.fields[0]["field"]), exc.fields[0]["message"])
    if checked.errors or client is None or consent is None or profile is None:
        return checked
    # The very body `POST /clients` would take (it passed the checks above).
    checked.data = NamedCreate.model_validate({**body, "consent": consent_body})
    if client.identifier_type and client.identifier_value:
        checked.identifier = (client.identifier_type, client.identifier_value)
    names = tuple(sorted(words(f"{client.given_name or ''} {client.family_name or ''}")))
    if client.birth_date and names:
        checked.person = (client.birth_date, names)
    return checked


def _person(given: str | None, family: str | None, born: date) -> tuple[date, tuple[str, ...]]:
    return born, tuple(sorted(words(f"{given or ''} {family or ''}")))


async def _find_duplicates(db: AsyncSession, actor: Principal, rows: list[_Checked]) -> None:
    by_identifier: dict[tuple[str, str], list[_Checked]] = defaultdict(list)
    by_person: dict[tuple[date, tuple[str, ...]], list[_Checked]] = defaultdict(list)
    for row in rows:
        if row.identifier:
            by_identifier[row.identifier].append(row)
        if row.person:
            by_person[row.person].append(row)
    # The same identifier twice in the file: which row is right is the user's call.
    for same in by_identifier.values():
        for row in same if len(same) > 1 else ():
            others = ", ".join(str(o.row) for o in same if o is not row)
            row.refuse("identifier_value", f"the same identifier is also in row {others}")
    taken = await repo.taken_identifiers(db, actor.agency_id, by_identifier.keys())
    for identifier in taken:
        for row in by_identifier[identifier]:
            row.refuse("identifier_value", "a client of this agency already has this identifier")
    for same in by_person.values():
        for row in same if len(same) > 1 else ():
            row.duplicates += [PossibleDuplicate(row=o.row) for o in same if o is not row]
    born = {person[0] for person in by_person}
    for client_id, given, family, birth_date in await repo.named_born_on(db, actor.agency_id, born):
        for row in by_person.get(_person(given, family, birth_date), []):
            row.duplicates.append(PossibleDuplicate(client_id=client_id))


async def import_clients(
    db: AsyncSession, actor: Principal, table: Table, mode: Mode
) -> tuple[ImportReport, bool]:
    """Check every row and import per `mode`; returns the report and whether the import
    was refused (all_or_nothing with rejected rows: nothing imported)."""
    # CPU work (a few thousand rows): off the event loop. No database here.
    rows = await asyncio.to_thread(lambda: [check_row(actor, row) for row in table.rows])
    await _find_duplicates(db, actor, rows)
    importable = [r for r in rows if not r.errors and r.data is not None]
    rejected = len(rows) - len(importable)
    refused = mode is Mode.ALL_OR_NOTHING and rejected > 0
    if mode is not Mode.VALIDATE and not refused:
        for row in importable:
            assert row.data is not None
            row.client_id = (await profiles.register_named(db, actor, row.data)).id
    imported = sum(1 for r in rows if r.client_id)
    report = ImportReport(
        mode=mode,
        format=table.format,
        rows=len(rows),
        valid=sum(1 for r in rows if r.status == "valid"),
        rejected=rejected,
        duplicates=sum(1 for r in rows if r.status == "duplicate"),
        imported=imported,
        items=[
            RowReport(
                row=r.row,
                status=r.status,
                errors=[RowError(field=k, message=m) for k, m in r.errors.items()],
                possible_duplicates=r.duplicates,
                client_id=r.client_id,
            )
            for r in rows
        ],
    )
    # Existing clients named in the report were shown: they belong to "who viewed".
    shown = sorted({str(d.client_id) for r in rows for d in r.duplicates if d.client_id})
    await profiles.audit(
        db,
        actor,
        "clients.imported",
        None,
        mode=mode.value,
        format=table.format,
        rows=report.rows,
        valid=report.valid,
        rejected=report.rejected,
        duplicates=report.duplicates,
        imported=imported,
        refused=refused,
        client_ids=shown,
    )
    log.info(
        "clients.imported",
        mode=mode.value,
        rows=report.rows,
        rejected=report.rejected,
        duplicates=report.duplicates,
        imported=imported,
    )
    return report, refused
