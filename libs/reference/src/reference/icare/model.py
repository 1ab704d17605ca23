"""The shape of an iCARE template description: Template, Field, Condition."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class UnknownTemplateError(KeyError):
    """No template (or no such version of it) in the catalog."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownFieldError(KeyError):
    """No field with this id in the template."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Condition:
    """When a conditional field applies: `when` field equals `equals`, or is filled (`present`).

    Outside its condition the field stays empty in the upload; inside it, the field is
    expected (a readiness check warns when it is missing).
    """

    when: str
    equals: str | None = None
    present: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        unknown = set(data) - {"when", "equals", "present"}
        if unknown or ("equals" in data) == bool(data.get("present")):
            raise ValueError(f"invalid condition {dict(data)!r}")
        return cls(str(data["when"]), data.get("equals"), bool(data.get("present", False)))

    def to_dict(self) -> dict[str, Any]:
        if self.present:
            return {"when": self.when, "present": True}
        return {"when": self.when, "equals": self.equals}

    def holds(self, record: Mapping[str, str | None]) -> bool:
        """Whether the condition holds for one record (field id -> cell text)."""
        value = record.get(self.when)
        if self.present:
            return value is not None and value.strip() != ""
        return value == self.equals

    def __str__(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a template."""

    id: str  # the technical id of row 2, e.g. "client_validation_type_id"
    label: str  # row 3, exactly
    column: int  # 1-based
    required: bool  # orange header (FFA500) / "Mandatory=true;"
    kind: str  # text, date, choice, yes_no, integer, postal_code, phone, email
    values: tuple[str, ...] | None = None  # the dropdown's exact labels; None: free text
    value_ids: tuple[int, ...] | None = None  # iCARE ids of `values` (LOVIds), where known
    conditional: Condition | None = None
    list_name: str | None = None  # the shared list `values` come from (lists.json)
    _allowed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.values is not None:
            object.__setattr__(self, "_allowed", frozenset(self.values))
        if self.value_ids is not None and (
            self.values is None or len(self.value_ids) != len(self.values)
        ):
            raise ValueError(f"field {self.id}: value_ids do not match values")

    @property
    def is_choice(self) -> bool:
        return self.values is not None

    def allows(self, label: str) -> bool:
        """Whether `label` may be written in this column.

        A choice field takes only its exact labels (case, punctuation and trailing
        spaces included); a free-text field takes any text.
        """
        if self.values is None:
            return isinstance(label, str)
        return label in self._allowed

    def value_id(self, label: str) -> int | None:
        """iCARE's numeric id of a label, when the template's LOVIds give it."""
        if self.values is None or self.value_ids is None or label not in self._allowed:
            return None
        return self.value_ids[self.values.index(label)]


@dataclass(frozen=True, slots=True)
class Template:
    """One iCARE bulk-upload template, in one IRCC version."""

    name: str  # e.g. "client_profile"
    version: str  # the data folder, e.g. "2018"
    title: str  # third line of the title cell, e.g. "Client Profile"
    fields: tuple[Field, ...]  # in column order
    title_cell: str  # A1 exactly (three lines, merged across all columns)
    sheet_name: str  # IRCC's original name of the visible sheet ("iCARE Template")
    lov_sheet_name: str  # hidden sheet of value labels
    lov_ids_sheet_name: str  # hidden sheet of value ids
    reference_sheet_name: str  # the name in the reference blank copy
    id_row: int
    label_row: int
    first_data_row: int
    max_rows: int  # records per file
    lov_info: Mapping[str, Any] | None = None
    _by_id: Mapping[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {f.id: f for f in self.fields}
        if len(by_id) != len(self.fields):
            raise ValueError(f"template {self.name} {self.version}: duplicate field ids")
        if [f.column for f in self.fields] != list(range(1, len(self.fields) + 1)):
            raise ValueError(f"template {self.name} {self.version}: columns out of order")
        object.__setattr__(self, "_by_id", by_id)

    @property
    def last_data_row(self) -> int:
        return self.first_data_row + self.max_rows - 1

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def has_field(self, field_id: str) -> bool:
        return field_id in self._by_id

    def field(self, field_id: str) -> Field:
        try:
            return self._by_id[field_id]
        except KeyError:
            raise UnknownFieldError(
                f"iCARE template {self.name!r} (version {self.version}) has no field "
                f"{field_id!r}; fields are technical ids such as {self.fields[0].id!r}, "
                f"{self.fields[-1].id!r}"
            ) from None
