"""Row-level-security helpers for Alembic migrations.

`kit.db.set_context` writes the acting principal into each transaction
(`app.agency_id`, `app.user_id`, `app.role`, `app.programs`, `app.manages`, `app.scope`);
the policies built here compare rows with those settings. RLS is a backstop under the
application's own checks: a query that forgets its `WHERE agency_id = ...` still sees
one agency, and a transaction with no context sees no tenant rows at all.

RLS is FORCED, so the table owner is subject to it too; only superusers and roles with
BYPASSRLS skip it, and the services never connect as either.

The fragments below are SQL text meant for policies, never for user input.
"""

import re
from collections.abc import Sequence
from typing import Any

# `current_setting(name, true)` is NULL when never set and '' once a transaction that
# set it ended; both mean "no context", and NULL compares as not-equal to every row.
CURRENT_AGENCY = "NULLIF(current_setting('app.agency_id', true), '')::uuid"
CURRENT_USER_ID = "NULLIF(current_setting('app.user_id', true), '')::uuid"
CURRENT_ROLE = "NULLIF(current_setting('app.role', true), '')"
CURRENT_PROGRAMS = "string_to_array(NULLIF(current_setting('app.programs', true), ''), ',')::uuid[]"
# The workers the acting user manages (from the token's `manages`).
CURRENT_MANAGES = "string_to_array(NULLIF(current_setting('app.manages', true), ''), ',')::uuid[]"
CURRENT_SCOPE = "NULLIF(current_setting('app.scope', true), '')"

# The `alembic.op` proxy module inside a migration, or an `alembic.operations.Operations`.
AlembicOp = Any

_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
_COMMANDS = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE"}


def _name(value: str) -> str:
    """Identifiers are interpolated into DDL: accept only plain lower-case names."""
    if not _NAME.match(value):
        raise ValueError(f"not a plain SQL identifier: {value!r}")
    return value


def scope_is(name: str) -> str:
    """True when the transaction runs under the named `kit.db.Scope`."""
    return f"{CURRENT_SCOPE} = '{_name(name)}'"


def scope_in(names: Sequence[str]) -> str:
    if not names:
        return "false"
    listed = ", ".join(f"'{_name(n)}'" for n in names)
    return f"{CURRENT_SCOPE} = ANY(ARRAY[{listed}])"


def tenant_predicate(column: str = "agency_id", admit_scopes: Sequence[str] = ()) -> str:
    """Rows of the current agency, or every row under one of `admit_scopes`."""
    own = f"{_name(column)} = {CURRENT_AGENCY}"
    return f"({own} OR {scope_in(admit_scopes)})" if admit_scopes else own


def create_policy(
    op: AlembicOp,
    table: str,
    name: str,
    using_sql: str,
    check_sql: str | None = None,
    *,
    command: str = "ALL",
) -> None:
    """A permissive policy; `check_sql` defaults to `using_sql` for commands that write."""
    command = command.upper()
    if command not in _COMMANDS:
        raise ValueError(f"unknown policy command {command!r}")
    sql = f"CREATE POLICY {_name(name)} ON {_name(table)} FOR {command}"
    if command != "INSERT":
        sql += f" USING ({using_sql})"
    if command in {"ALL", "INSERT", "UPDATE"}:
        sql += f" WITH CHECK ({check_sql or using_sql})"
    op.execute(sql)


def force_rls(op: AlembicOp, table: str) -> None:
    """Turn RLS on for everyone, the owner included; no policy yet means no rows."""
    op.execute(f"ALTER TABLE {_name(table)} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {_name(table)} FORCE ROW LEVEL SECURITY")


def enable_tenant_rls(
    op: AlembicOp, table: str, *, column: str = "agency_id", admit_scopes: Sequence[str] = ()
) -> None:
    """Forced RLS with policy `tenant_isolation`: one agency's rows, reads and writes alike.

    `admit_scopes` names the `kit.db.Scope` values that see across agencies
    (e.g. `("auth",)` for the users table sign-in reads).
    """
    force_rls(op, table)
    predicate = tenant_predicate(column, admit_scopes)
    create_policy(op, table, "tenant_isolation", predicate, predicate)


def disable_tenant_rls(
    op: AlembicOp, table: str, *, policies: Sequence[str] = ("tenant_isolation",)
) -> None:
    """The downgrade of `enable_tenant_rls`."""
    for policy in policies:
        op.execute(f"DROP POLICY IF EXISTS {_name(policy)} ON {_name(table)}")
    op.execute(f"ALTER TABLE {_name(table)} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {_name(table)} DISABLE ROW LEVEL SECURITY")
