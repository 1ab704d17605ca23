"""The catalog of iCARE template descriptions.

    from reference.icare import catalog
    profile = catalog.template("client_profile")          # latest version
    catalog.template("client_profile", version="2018")
    catalog.templates()                                    # latest of each, upload order

Each IRCC generation is a folder `templates/<version>/` holding `index.json`, one JSON
per template and `lists.json` (written by `scripts/extract_icare_templates.py`). A new
generation is a new folder; it may hold only the templates that changed: the latest
version of a template is the highest version folder that has it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from reference.icare.model import Condition, Field, Template, UnknownTemplateError

__all__ = ["names", "template", "templates", "versions"]


def _root() -> Traversable:
    return resources.files("reference.icare").joinpath("templates")


def _version_key(version: str) -> tuple[tuple[int, ...], str]:
    return tuple(int(n) for n in re.findall(r"\d+", version)), version


@cache
def _index() -> dict[str, dict[str, Any]]:
    found = {}
    for entry in _root().iterdir():
        index = entry.joinpath("index.json")
        if entry.is_dir() and index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            if data.get("version") != entry.name:
                raise ValueError(
                    f"templates/{entry.name}/index.json names version {data.get('version')!r}"
                )
            found[entry.name] = data
    return dict(sorted(found.items(), key=lambda kv: _version_key(kv[0])))


def versions() -> list[str]:
    """Every template version in the catalog, oldest first."""
    return list(_index())


def names() -> list[str]:
    """Every template name, in upload order (Client Profile first)."""
    seen: dict[str, None] = {}
    for data in reversed(_index().values()):
        for name in data["templates"]:
            seen.setdefault(name, None)
    return list(seen)


@cache
def _lists(version: str) -> dict[str, Any]:
    text = _root().joinpath(version, "lists.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _load(name: str, version: str) -> Template:
    doc = json.loads(_root().joinpath(version, f"{name}.json").read_text(encoding="utf-8"))
    lists = _lists(version)
    fields = []
    for f in doc["fields"]:
        lst = lists[f["list"]] if f["list"] else None
        ids = lst["ids"] if lst else None
        fields.append(
            Field(
                id=f["id"],
                label=f["label"],
                column=f["column"],
                required=f["required"],
                kind=f["kind"],
                values=tuple(lst["values"]) if lst else None,
                value_ids=tuple(int(i) for i in ids) if ids else None,
                conditional=Condition.from_dict(f["conditional"]) if f["conditional"] else None,
                list_name=f["list"],
            )
        )
    return Template(
        name=doc["name"],
        version=doc["version"],
        title=doc["title"],
        fields=tuple(fields),
        title_cell=doc["title_cell"],
        sheet_name=doc["sheet_name"],
        lov_sheet_name=doc["lov_sheet_name"],
        lov_ids_sheet_name=doc["lov_ids_sheet_name"],
        reference_sheet_name=doc["reference_sheet_name"],
        id_row=doc["id_row"],
        label_row=doc["label_row"],
        first_data_row=doc["first_data_row"],
        max_rows=doc["max_rows"],
        lov_info=doc.get("lov_info"),
    )


def template(name: str, version: str | None = None) -> Template:
    """One template: the given version, or the latest version that has it."""
    index = _index()
    if version is not None:
        if version not in index:
            raise UnknownTemplateError(
                f"no iCARE template version {version!r}; versions: {', '.join(index) or 'none'}"
            )
        if name not in index[version]["templates"]:
            raise UnknownTemplateError(
                f"iCARE template version {version} has no template {name!r}; it has: "
                f"{', '.join(index[version]['templates'])}"
            )
        return _load(name, version)
    for v in reversed(index):
        if name in index[v]["templates"]:
            return _load(name, v)
    raise UnknownTemplateError(f"no iCARE template {name!r}; templates: {', '.join(names())}")


def templates(version: str | None = None) -> list[Template]:
    """Every template of a version, or the latest of each; in upload order."""
    if version is not None:
        if version not in _index():
            raise UnknownTemplateError(f"no iCARE template version {version!r}")
        return [_load(n, version) for n in _index()[version]["templates"]]
    return [template(n) for n in names()]
