"""The SQL the RLS helpers write (their effect is tested against PostgreSQL)."""

from typing import Any

import pytest

from kit.rls import (
    CURRENT_AGENCY,
    CURRENT_MANAGES,
    CURRENT_PROGRAMS,
    create_policy,
    enable_tenant_rls,
    scope_is,
    tenant_predicate,
)


class RecordingOp:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: Any) -> None:
        self.statements.append(str(sql))


def test_fragments() -> None:
    assert CURRENT_AGENCY == "NULLIF(current_setting('app.agency_id', true), '')::uuid"
    assert CURRENT_PROGRAMS == (
        "string_to_array(NULLIF(current_setting('app.programs', true), ''), ',')::uuid[]"
    )
    assert CURRENT_MANAGES == (
        "string_to_array(NULLIF(current_setting('app.manages', true), ''), ',')::uuid[]"
    )
    assert scope_is("auth") == "NULLIF(current_setting('app.scope', true), '') = 'auth'"


def test_tenant_rls_is_forced_and_checks_writes() -> None:
    op = RecordingOp()
    enable_tenant_rls(op, "clients", admit_scopes=("auth", "platform"))
    assert op.statements[:2] == [
        "ALTER TABLE clients ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE clients FORCE ROW LEVEL SECURITY",
    ]
    predicate = tenant_predicate("agency_id", ("auth", "platform"))
    assert "ANY(ARRAY['auth', 'platform'])" in predicate
    assert op.statements[2] == (
        f"CREATE POLICY tenant_isolation ON clients FOR ALL USING ({predicate})"
        f" WITH CHECK ({predicate})"
    )


def test_policy_for_a_single_command() -> None:
    op = RecordingOp()
    create_policy(op, "notes", "read_own", "author_id = 1", command="select")
    create_policy(op, "notes", "add_own", "author_id = 1", command="INSERT")
    assert op.statements == [
        "CREATE POLICY read_own ON notes FOR SELECT USING (author_id = 1)",
        "CREATE POLICY add_own ON notes FOR INSERT WITH CHECK (author_id = 1)",
    ]


@pytest.mark.parametrize("name", ["clients; DROP TABLE x", "Clients", "a-b", ""])
def test_identifiers_are_plain_names_only(name: str) -> None:
    with pytest.raises(ValueError):
        enable_tenant_rls(RecordingOp(), name)
    with pytest.raises(ValueError):
        scope_is(name)
