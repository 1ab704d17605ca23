"""OCMS's own code lists for client profiles.

    from reference import code_lists
    code_lists.get("language").allows("Farsi (Persian)")

`data/code_lists.json` holds each list either as values (with optional codes, e.g.
ISO 3166 alpha-2 for countries) or as a pointer into the iCARE template descriptions
(`{"icare": {"template": ..., "field": ...}}` for a field's value list, or
`{"icare": {"template": ..., "labels_of": [...]}}` for field labels), so a concept
iCARE also carries uses iCARE's labels exactly, from the latest template version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from reference.icare import catalog

__all__ = ["CodeList", "UnknownCodeListError", "get", "names"]


class UnknownCodeListError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    values: tuple[str, ...]
    codes: tuple[str, ...] | None = None  # parallel to values, where the list has codes
    source: str = ""
    _allowed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"code list {self.name}: duplicate values")
        if self.codes is not None and len(self.codes) != len(self.values):
            raise ValueError(f"code list {self.name}: codes do not match values")
        object.__setattr__(self, "_allowed", frozenset(self.values))

    def allows(self, value: str) -> bool:
        """Whether `value` is one of the list's labels, exactly."""
        return value in self._allowed

    def code(self, value: str) -> str | None:
        if self.codes is None or value not in self._allowed:
            return None
        return self.codes[self.values.index(value)]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, value: object) -> bool:
        return value in self._allowed


@cache
def _data() -> dict[str, Any]:
    text = resources.files("reference").joinpath("data", "code_lists.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def names() -> list[str]:
    return [n for n in _data() if not n.startswith("_")]


@cache
def get(name: str) -> CodeList:
    entry = _data().get(name) if not name.startswith("_") else None
    if entry is None:
        raise UnknownCodeListError(f"no code list {name!r}; code lists: {', '.join(names())}")
    source = entry.get("icare")
    if source is not None:
        tpl = catalog.template(source["template"])
        if "field" in source:
            f = tpl.field(source["field"])
            if f.values is None:
                raise ValueError(f"code list {name}: {tpl.name}.{f.id} has no value list")
            return CodeList(name, f.values, None, f"iCARE {tpl.name} {tpl.version}: {f.id}")
        labels = tuple(tpl.field(fid).label for fid in source["labels_of"])
        return CodeList(name, labels, None, f"iCARE {tpl.name} {tpl.version}: field labels")
    if "entries" in entry:
        codes, values = zip(*entry["entries"], strict=True)
        return CodeList(name, tuple(values), tuple(codes), entry.get("source", "OCMS"))
    return CodeList(name, tuple(entry["values"]), None, entry.get("source", "OCMS"))
