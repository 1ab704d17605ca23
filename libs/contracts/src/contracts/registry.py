"""Every integration event declared in `contracts`, found by walking the package.

Modules are discovered with `pkgutil`, so a new producer module
(`contracts/<service>.py`) is picked up without being listed here. The schema snapshot
test iterates `ALL_EVENTS`; consumers may use `BY_ROUTING_KEY` to look a type up.
"""

import importlib
import pkgutil
from types import ModuleType

import contracts
from contracts.base import IntegrationEvent

_NOT_EVENT_MODULES = frozenset({"base", "registry"})


def _modules(package: ModuleType) -> list[ModuleType]:
    found = []
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if info.name.rsplit(".", 1)[-1] not in _NOT_EVENT_MODULES:
            found.append(importlib.import_module(info.name))
    return found


def _subclasses(cls: type[IntegrationEvent]) -> list[type[IntegrationEvent]]:
    out: list[type[IntegrationEvent]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def discover(package: ModuleType = contracts) -> tuple[type[IntegrationEvent], ...]:
    """The concrete events (those with a routing key) declared under `package`."""
    names = {m.__name__ for m in _modules(package)}
    events = {
        cls
        for cls in _subclasses(IntegrationEvent)
        if cls.__module__ in names and isinstance(getattr(cls, "routing_key", None), str)
    }
    return tuple(sorted(events, key=lambda cls: (cls.routing_key, cls.__qualname__)))


ALL_EVENTS: tuple[type[IntegrationEvent], ...] = discover()

# Duplicates are the snapshot test's to report; here the last one would win.
BY_ROUTING_KEY: dict[str, type[IntegrationEvent]] = {e.routing_key: e for e in ALL_EVENTS}
