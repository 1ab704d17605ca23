"""`python -m identity.seed`: the demo platform admin and agency. Idempotent: what exists
is left alone, what is missing is created through the same use cases as the API (so
the other services hear of it through the outbox)."""

import asyncio
import uuid
from datetime import date
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from identity.agencies import repository as agencies_repo
from identity.agencies import service as agencies_service
from identity.agencies.schemas import AgencyCreate
from identity.funding import repository as funding_repo
from identity.funding import service as funding_service
from identity.funding.schemas import AgreementCreate, FunderCreate
from identity.passwords import Passwords
from identity.programs import repository as programs_repo
from identity.programs import service as programs_service
from identity.programs.schemas import ProgramCreate
from identity.settings import IdentitySettings
from identity.staff import repository as staff_repo
from identity.staff import service as staff_service
from identity.staff.schemas import NewStaff, UserCreate
from kit.auth import Principal, Role
from kit.db import Database, Scope
from kit.logs import configure_logging

DEMO_PASSWORD = "ocms-demo-2026"
PLATFORM_ADMIN = "platform@ocms.example.org"
AGENCY_ADMIN = "admin@maple.example.org"
MANAGER = "manager@maple.example.org"
CASEWORKERS = (
    # email, given name, family name, program code
    ("amal.worker@maple.example.org", "Amal", "Haddad", "SETTLE"),
    ("bao.worker@maple.example.org", "Bao", "Nguyen", "EMPLOY"),
)
PROGRAMS = (("SETTLE", "Settlement Services"), ("EMPLOY", "Employment Services"))


def _person(email: str, given: str, family: str) -> dict[str, Any]:
    return {
        "email": email,
        "given_name": given,
        "family_name": family,
        "initial_password": SecretStr(DEMO_PASSWORD),
    }


async def _principal(database: Database, email: str) -> Principal:
    async with database.transaction(scope=Scope.AUTH) as db:
        user = await staff_repo.by_email(db, email)
    assert user is not None, f"seed: {email} should exist by now"
    return Principal(user_id=user.id, agency_id=user.agency_id, role=user.role)


async def _agency(
    db: AsyncSession,
    actor: Principal | None,
    code: str,
    name: str,
    admin: dict[str, Any],
    passwords: Passwords,
    settings: IdentitySettings,
    admin_role: Role = Role.AGENCY_ADMIN,
) -> None:
    if await agencies_repo.by_code(db, code) is None:
        await agencies_service.create_agency(
            db,
            actor,
            AgencyCreate(name=name, code=code, admin=NewStaff(**admin)),
            passwords=passwords,
            settings=settings,
            admin_role=admin_role,
        )


async def seed(settings: IdentitySettings) -> None:
    database = Database(settings.database_url, pool_size=2)
    passwords = Passwords(settings)
    try:
        async with database.transaction(scope=Scope.PLATFORM) as db:
            await _agency(
                db,
                None,
                "OCMS",
                "OCMS Platform",
                _person(PLATFORM_ADMIN, "Platform", "Administrator"),
                passwords,
                settings,
                admin_role=Role.PLATFORM_ADMIN,
            )
        platform = await _principal(database, PLATFORM_ADMIN)
        async with database.transaction(platform, scope=Scope.PLATFORM) as db:
            await _agency(
                db,
                platform,
                "MAPLE",
                "Maple Settlement Services",
                _person(AGENCY_ADMIN, "Maya", "Tremblay"),
                passwords,
                settings,
            )
        admin = await _principal(database, AGENCY_ADMIN)
        async with database.transaction(admin) as db:
            await _maple_staff(db, admin, passwords, settings)
    finally:
        await database.dispose()


async def _maple_staff(
    db: AsyncSession, admin: Principal, passwords: Passwords, settings: IdentitySettings
) -> None:
    programs = {code: await _program(db, admin, code, name) for code, name in PROGRAMS}

    async def user(email: str, given: str, family: str, role: Role, **extra: Any) -> uuid.UUID:
        found = await staff_repo.by_email(db, email)
        if found is not None:
            return found.id
        data = UserCreate(**_person(email, given, family), role=role, **extra)
        created, _ = await staff_service.create_user(
            db, admin, data, passwords=passwords, settings=settings
        )
        return created.id

    manager_id = await user(
        MANAGER, "Marc", "Gagnon", Role.MANAGER, program_ids=list(programs.values())
    )
    for email, given, family, code in CASEWORKERS:
        await user(
            email,
            given,
            family,
            Role.CASEWORKER,
            program_ids=[programs[code]],
            manager_id=manager_id,
        )

    funder_id = await _funder(db, admin, "IRCC", "Immigration, Refugees and Citizenship Canada")
    number = "IRCC-MAPLE-2026"
    if await funding_repo.agreement_by_number(db, admin.agency_id, number) is None:
        await funding_service.create_agreement(
            db,
            admin,
            AgreementCreate(
                funder_id=funder_id,
                agreement_number=number,
                title="Settlement Program 2026-2027",
                program_ids=list(programs.values()),
                starts_on=date(2026, 4, 1),
                ends_on=date(2027, 3, 31),
            ),
        )


async def _program(db: AsyncSession, admin: Principal, code: str, name: str) -> uuid.UUID:
    found = await programs_repo.by_code(db, admin.agency_id, code)
    if found is not None:
        return found.id
    data = ProgramCreate(name=name, code=code)
    return (await programs_service.create_program(db, admin, data)).id


async def _funder(db: AsyncSession, admin: Principal, code: str, name: str) -> uuid.UUID:
    found = await funding_repo.funder_by_code(db, admin.agency_id, code)
    if found is not None:
        return found.id
    return (await funding_service.create_funder(db, admin, FunderCreate(name=name, code=code))).id


LOGINS = (
    ("platform admin (creates agencies)", PLATFORM_ADMIN),
    ("agency admin, Maple Settlement Services", AGENCY_ADMIN),
    ("manager/coordinator (both programs)", MANAGER),
    ("caseworker, Settlement Services", CASEWORKERS[0][0]),
    ("caseworker, Employment Services", CASEWORKERS[1][0]),
)


def main() -> None:
    settings = IdentitySettings()
    configure_logging(settings.service_name, settings.log_level)
    asyncio.run(seed(settings))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for who, email in LOGINS:
        print(f"  {email:<34} {who}")


if __name__ == "__main__":
    main()
