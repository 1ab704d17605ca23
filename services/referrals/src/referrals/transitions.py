"""Status machines: which status may follow which, and the 409 that names the status."""

from collections.abc import Mapping

from kit.errors import Conflict


def check_transition(
    entity: str, allowed: Mapping[str, frozenset[str]], current: str, wanted: str
) -> None:
    if wanted not in allowed.get(current, frozenset()):
        raise Conflict(
            f"the {entity} is {current}; it cannot become {wanted}",
            code="illegal_transition",
        )
