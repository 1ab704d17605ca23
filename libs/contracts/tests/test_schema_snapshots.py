"""Every integration event's JSON schema is pinned in `libs/contracts/schemas/`.

An event is a contract with services deployed on their own schedule: messages already
in queues and outboxes were written by the old code and are read by the new, and the
other way round. So a change must keep both directions working or be a new version
(`...v2`) published beside the old one.

- a new event without a snapshot fails until it is recorded;
- a compatible change (a new optional field, new wording) fails until re-recorded, so
  the diff of the snapshot is what a reviewer sees;
- a breaking change (a field removed or renamed, a type or enum changed, a new required
  field) fails and cannot be recorded over: publish a new version instead.

Record with `OCMS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest libs/contracts/tests`.
"""

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.base import IntegrationEvent
from contracts.registry import ALL_EVENTS

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
UPDATE = os.environ.get("OCMS_UPDATE_SNAPSHOTS") == "1"
RECORD_HINT = "record it with: OCMS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest libs/contracts/tests"

# Keywords that document a schema without changing what validates.
ANNOTATIONS = frozenset({"title", "description", "default", "examples", "deprecated"})
STRUCTURE = frozenset(
    {
        "properties",
        "required",
        "$ref",
        "$defs",
        "anyOf",
        "oneOf",
        "allOf",
        "items",
        "prefixItems",
        "additionalProperties",
    }
)


def snapshot_path(event: type[IntegrationEvent]) -> Path:
    return SCHEMAS / f"{event.routing_key}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


class _Compare:
    """Lists what in `new` would break readers or writers of `old`."""

    def __init__(self, old_root: dict[str, Any], new_root: dict[str, Any]) -> None:
        self.roots = (old_root, new_root)
        self.seen: set[tuple[str, str]] = set()

    def _resolve(self, node: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], str]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node, ""
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return target, ref

    def changes(self, old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[str]:
        old, old_ref = self._resolve(old, self.roots[0])
        new, new_ref = self._resolve(new, self.roots[1])
        if old_ref or new_ref:
            if (old_ref, new_ref) in self.seen:
                return
            self.seen.add((old_ref, new_ref))
        yield from self._keywords(old, new, at)
        yield from self._properties(old, new, at)
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            old_list, new_list = old.get(key, []), new.get(key, [])
            if len(old_list) != len(new_list):
                yield f"{at}: {key} has {len(new_list)} alternatives instead of {len(old_list)}"
                continue
            for i, (o, n) in enumerate(zip(old_list, new_list, strict=True)):
                yield from self.changes(o, n, f"{at}[{key} {i}]")
        for key in ("items", "additionalProperties"):
            o, n = old.get(key), new.get(key)
            if isinstance(o, dict) and isinstance(n, dict):
                yield from self.changes(o, n, f"{at}[{key}]")
            elif o != n:
                yield f"{at}: {key} changed from {o!r} to {n!r}"

    @staticmethod
    def _keywords(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[str]:
        # Readers on each side validate with their own rules: any change to a rule
        # (type, enum, format, bounds, pattern) can refuse the other side's messages.
        for key in sorted((set(old) | set(new)) - ANNOTATIONS - STRUCTURE):
            if old.get(key) != new.get(key):
                yield f"{at}: {key} changed from {old.get(key)!r} to {new.get(key)!r}"

    def _properties(self, old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[str]:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in sorted(set(old_props) - set(new_props)):
            yield f"{at}.{name}: removed (consumers still read it)"
        for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
            yield f"{at}.{name}: now required (messages already written lack it)"
        for name in sorted(set(old_props) & set(new_props)):
            yield from self.changes(old_props[name], new_props[name], f"{at}.{name}")


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(_Compare(old, new).changes(old, new, "$"))


def next_version(routing_key: str) -> str:
    stem, version = routing_key.rsplit(".v", 1)
    return f"{stem}.v{int(version) + 1}"


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.routing_key)
def test_schema_matches_its_snapshot(event: type[IntegrationEvent]) -> None:
    path = snapshot_path(event)
    current = event.model_json_schema()
    if not path.exists():
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(current))
            return
        pytest.fail(
            f"{event.routing_key} has no schema snapshot; review the event, then {RECORD_HINT}"
        )
    recorded = json.loads(path.read_text())
    if recorded == current:
        return
    breaking = breaking_changes(recorded, current)
    if breaking:
        pytest.fail(
            f"{event.__qualname__} ({event.routing_key}) changed incompatibly:\n  - "
            + "\n  - ".join(breaking)
            + f"\nKeep this class as it was and add a new one with routing key"
            f" {next_version(event.routing_key)}, published beside it until every consumer"
            f" reads the new one. (Only if this version was never released may its"
            f" snapshot be deleted and recorded again.)"
        )
    if UPDATE:
        path.write_text(render(current))
        return
    pytest.fail(f"{event.routing_key} changed compatibly; {RECORD_HINT}")


def test_every_snapshot_still_has_its_event() -> None:
    known = {f"{e.routing_key}.json" for e in ALL_EVENTS}
    orphans = sorted(p.name for p in SCHEMAS.glob("*.json") if p.name not in known)
    assert not orphans, (
        f"snapshots without an event: {orphans}. Removing or renaming a published event"
        " breaks its consumers; keep publishing it until none reads it, then delete the"
        " snapshot in the same change."
    )


ROUTING_KEY = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$")


def test_routing_keys_are_well_formed_unique_and_owned_by_their_module() -> None:
    keys = [e.routing_key for e in ALL_EVENTS]
    assert [k for k in keys if not ROUTING_KEY.match(k)] == []
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
    # contracts/<service>.py declares <service>.* events only.
    misplaced = [
        f"{e.__module__}.{e.__qualname__}: {e.routing_key}"
        for e in ALL_EVENTS
        if e.routing_key.split(".", 1)[0] != e.__module__.rsplit(".", 1)[-1]
    ]
    assert misplaced == []


# The comparison itself, on small schemas.
BASE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "Name"},
        "kind": {"$ref": "#/$defs/Kind"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
    },
    "required": ["name", "kind"],
    "$defs": {"Kind": {"enum": ["a", "b"], "type": "string"}},
}


def _changed(**edits: Any) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(json.dumps(BASE))
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        node = schema
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return schema


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ({"properties__name": None}, "$.name: removed"),
        ({"properties__name__type": "integer"}, "$.name: type changed"),
        ({"$defs__Kind__enum": ["a", "b", "c"]}, "$.kind: enum changed"),
        ({"required": ["name", "kind", "note"]}, "$.note: now required"),
        ({"properties__note__anyOf": [{"type": "string"}]}, "$.note: anyOf has 1"),
        (
            {"properties__extra": {"type": "integer"}, "required": ["name", "kind", "extra"]},
            "$.extra: now required",
        ),
    ],
)
def test_breaking_changes_are_recognised(edits: dict[str, Any], expected: str) -> None:
    found = breaking_changes(BASE, _changed(**edits))
    assert any(f.startswith(expected) for f in found), found


@pytest.mark.parametrize(
    "edits",
    [
        {"properties__extra": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
        {"properties__name__title": "Full name"},
        {"properties__note__default": "n/a"},
    ],
)
def test_compatible_changes_are_not_breaking(edits: dict[str, Any]) -> None:
    assert breaking_changes(BASE, _changed(**edits)) == []


def test_next_version() -> None:
    assert next_version("identity.user.updated.v1") == "identity.user.updated.v2"
    assert next_version("a.b.c.v19") == "a.b.c.v20"
