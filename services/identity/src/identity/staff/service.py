"""Staff administration: an agency admin manages the people of their own agency."""

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import UserDeactivated, UserUpdated
from identity import mailer
from identity.auth import repository as auth_repo
from identity.auth import service as auth_service
from identity.passwords import Passwords, check_policy
from identity.programs import service as programs_service
from identity.settings import IdentitySettings
from identity.staff import repository as repo
from identity.staff.models import User
from identity.staff.schemas import NewStaff, UserCreate, UserOut, UserPage, UserPatch
from kit.audit import record_audit
from kit.auth import Principal, Role
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

EMAIL_UNIQUE = "uq_users_email_lower"
# Who may be someone's manager/coordinator.
SUPERVISORS = (Role.MANAGER, Role.AGENCY_ADMIN)


def _out(user: User, program_ids: list[uuid.UUID]) -> UserOut:
    return UserOut(
        id=user.id,
        agency_id=user.agency_id,
        email=user.email,
        given_name=user.given_name,
        family_name=user.family_name,
        role=user.role,
        program_ids=program_ids,
        manager_id=user.manager_id,
        active=user.active,
        mfa_enabled=user.mfa_enabled,
        created_at=user.created_at,
    )


async def _view(db: AsyncSession, user: User) -> UserOut:
    return _out(user, (await repo.program_ids(db, [user.id]))[user.id])


async def _publish(db: AsyncSession, user: User, *, deactivated: bool = False) -> UserOut:
    """Write the user's whole new state to the outbox; returns it for the response."""
    view = await _view(db, user)
    state = {
        "agency_id": user.agency_id,
        "id": user.id,
        "email": user.email,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "role": user.role.value,
        "program_ids": view.program_ids,
        "manager_id": user.manager_id,
        "active": user.active,
    }
    await add_event(db, UserUpdated.model_validate(state))
    if deactivated:
        await add_event(db, UserDeactivated.model_validate(state))
    return view


async def _audit(
    db: AsyncSession, actor: Principal | None, action: str, user: User, **detail: str
) -> None:
    await record_audit(
        db,
        action=action,
        agency_id=user.agency_id,
        actor_id=actor.user_id if actor else None,
        entity_type="user",
        entity_id=user.id,
        detail=dict(detail),
    )


async def _get(db: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    # Another agency's user is "not found", never "forbidden": no hint it exists.
    user = await repo.get(db, actor.agency_id, user_id)
    if user is None:
        raise NotFound("No such user", code="user_not_found")
    return user


async def _check_manager(
    db: AsyncSession, agency_id: uuid.UUID, manager_id: uuid.UUID, user_id: uuid.UUID | None
) -> None:
    manager = await repo.get(db, agency_id, manager_id)
    if (
        manager is None
        or manager_id == user_id
        or not manager.active
        or manager.role not in SUPERVISORS
    ):
        raise Invalid("manager_id", "must be another active manager or admin of this agency")


def _check_assignable(role: Role) -> None:
    if role == Role.PLATFORM_ADMIN:
        raise Invalid("role", "platform_admin cannot be given to agency staff")


async def _save(db: AsyncSession) -> None:
    try:
        await repo.save(db)
    except ConstraintViolation as exc:
        if exc.constraint == EMAIL_UNIQUE:
            raise Conflict(
                "An account with this email already exists",
                code="email_taken",
                fields=[{"field": "email", "message": "is already used by another account"}],
            ) from exc
        raise


async def add_staff(
    db: AsyncSession,
    *,
    agency_id: uuid.UUID,
    actor: Principal | None,
    data: NewStaff,
    role: Role,
    program_ids: Collection[uuid.UUID] = (),
    manager_id: uuid.UUID | None = None,
    passwords: Passwords,
    settings: IdentitySettings,
) -> tuple[UserOut, list[mailer.Mail]]:
    """Create a user in `agency_id` (checked by the caller). Without an initial password
    the user is invited: they get a link to choose one."""
    password_hash = None
    if data.initial_password is not None:
        initial = data.initial_password.get_secret_value()
        check_policy(initial, field="initial_password")
        password_hash = await passwords.hash(initial)
    now = utcnow()
    user = User(
        id=uuid.uuid4(),
        agency_id=agency_id,
        email=str(data.email).strip().lower(),
        given_name=data.given_name,
        family_name=data.family_name,
        role=role,
        manager_id=manager_id,
        active=True,
        password_hash=password_hash,
        password_changed_at=now if password_hash else None,
        mfa_enabled=False,
        created_at=now,
        updated_at=now,
    )
    db.add(user)
    await _save(db)
    await repo.set_programs(db, user, program_ids)
    mails = []
    if password_hash is None:
        secret = await auth_service.issue_password_link(
            db, user, purpose=auth_service.INVITATION, settings=settings
        )
        mails.append(mailer.invitation_mail(settings, user.email, secret))
    await _audit(db, actor, "user.created", user, role=role.value)
    log.info("user.created", user_id=str(user.id), agency_id=str(agency_id), role=role.value)
    return await _publish(db, user), mails


async def create_user(
    db: AsyncSession,
    actor: Principal,
    data: UserCreate,
    *,
    passwords: Passwords,
    settings: IdentitySettings,
) -> tuple[UserOut, list[mailer.Mail]]:
    _check_assignable(data.role)
    await programs_service.ensure_usable(db, actor.agency_id, data.program_ids)
    if data.manager_id is not None:
        await _check_manager(db, actor.agency_id, data.manager_id, None)
    return await add_staff(
        db,
        agency_id=actor.agency_id,
        actor=actor,
        data=data,
        role=data.role,
        program_ids=data.program_ids,
        manager_id=data.manager_id,
        passwords=passwords,
        settings=settings,
    )


async def list_users(
    db: AsyncSession,
    actor: Principal,
    *,
    role: Role | None = None,
    program_id: uuid.UUID | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> UserPage:
    users = await repo.list_for(
        db,
        actor.agency_id,
        role=role,
        program_id=program_id,
        active=active,
        limit=limit,
        offset=offset,
    )
    programs = await repo.program_ids(db, [u.id for u in users])
    return UserPage(items=[_out(u, programs[u.id]) for u in users])


async def get_user(db: AsyncSession, actor: Principal, user_id: uuid.UUID) -> UserOut:
    return await _view(db, await _get(db, actor, user_id))


async def get_me(db: AsyncSession, actor: Principal) -> UserOut:
    return await get_user(db, actor, actor.user_id)


async def update_user(
    db: AsyncSession, actor: Principal, user_id: uuid.UUID, patch: UserPatch
) -> UserOut:
    user = await _get(db, actor, user_id)
    sent = patch.model_fields_set
    if patch.email is not None:
        user.email = str(patch.email).strip().lower()
    if patch.given_name is not None:
        user.given_name = patch.given_name
    if patch.family_name is not None:
        user.family_name = patch.family_name
    if patch.role is not None and patch.role != user.role:
        _check_assignable(patch.role)
        if user.id == actor.user_id:
            raise Conflict("You cannot change your own role", code="own_role")
        await _audit(
            db, actor, "user.role_changed", user, old=user.role.value, new=patch.role.value
        )
        log.info("user.role_changed", user_id=str(user.id), role=patch.role.value)
        user.role = patch.role
    if "manager_id" in sent:
        if patch.manager_id is not None:
            await _check_manager(db, actor.agency_id, patch.manager_id, user.id)
        user.manager_id = patch.manager_id
    await _save(db)
    return await _publish(db, user)


async def set_programs(
    db: AsyncSession, actor: Principal, user_id: uuid.UUID, program_ids: list[uuid.UUID]
) -> UserOut:
    user = await _get(db, actor, user_id)
    await programs_service.ensure_usable(db, actor.agency_id, program_ids)
    await repo.set_programs(db, user, program_ids)
    user.updated_at = utcnow()
    return await _publish(db, user)


async def deactivate(db: AsyncSession, actor: Principal, user_id: uuid.UUID) -> UserOut:
    """Effective at once: sessions are revoked, so the next request is refused."""
    user = await _get(db, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict("You cannot deactivate yourself", code="own_account")
    if not user.active:
        return await _view(db, user)
    now = utcnow()
    user.active = False
    user.deactivated_at = now
    revoked = await auth_repo.revoke_sessions_of(db, user.id, now)
    await _audit(db, actor, "user.deactivated", user, sessions_revoked=str(revoked))
    log.info("user.deactivated", user_id=str(user.id), sessions_revoked=revoked)
    await _save(db)
    return await _publish(db, user, deactivated=True)


async def reactivate(db: AsyncSession, actor: Principal, user_id: uuid.UUID) -> UserOut:
    user = await _get(db, actor, user_id)
    if user.active:
        return await _view(db, user)
    user.active = True
    user.deactivated_at = None
    await _audit(db, actor, "user.reactivated", user)
    log.info("user.reactivated", user_id=str(user.id))
    await _save(db)
    return await _publish(db, user)
