"""The columns of the import template: one per importable profile field.

A column key is stable (files filled last year still import) and names the field in
the import report. Cells are text: dates `YYYY-MM-DD`, yes/no fields `Yes` or `No`,
several values in one cell separated by `;`. Values of list fields are the exact
labels the API takes; the lists come from the same mapping the profile validation uses
(`clients.profiles.values`), so the template's dropdowns and the import's checks agree.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from clients.profiles import values

Kind = Literal["text", "choice", "date", "yes_no", "many_text", "many_choice"]
LIST_SEPARATOR = ";"
YES = frozenset({"yes", "y", "true", "1", "oui"})
NO = frozenset({"no", "n", "false", "0", "non"})


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the header cell, and the field name of the report
    label: str  # for people: the template's second row
    kind: Kind
    field: str  # the API field it fills: "given_name", "address.city", "consent.language"

    @property
    def hint(self) -> str:
        return {
            "text": "Text.",
            "choice": "One value from the list.",
            "date": "A date written YYYY-MM-DD.",
            "yes_no": "Yes or No.",
            "many_text": f"Several values separated by '{LIST_SEPARATOR}'.",
            "many_choice": f"Values from the list, separated by '{LIST_SEPARATOR}'.",
        }[self.kind]


def _c(key: str, label: str, kind: Kind, field: str | None = None) -> Column:
    return Column(key, label, kind, field or key)


COLUMNS: tuple[Column, ...] = (
    _c("consent_statement_version", "Privacy statement version accepted", "text",
       "consent.statement_version"),
    _c("consent_language", "Language the privacy statement was given in", "choice",
       "consent.language"),
    _c("research_consent", "Consent for future research/consultation", "choice"),
    _c("identifier_type", "Unique identifier type", "choice"),
    _c("identifier_value", "Unique identifier", "text"),
    _c("given_name", "Given name", "text"),
    _c("family_name", "Family name", "text"),
    _c("preferred_name", "Preferred name", "text"),
    _c("other_names", "Other names", "many_text"),
    _c("birth_date", "Date of birth", "date"),
    _c("birth_date_estimated", "Date of birth is estimated", "yes_no"),
    _c("gender", "Gender", "choice"),
    _c("phones", "Phone numbers", "many_text"),
    _c("has_email", "Has an email address", "yes_no"),
    _c("email", "Email address", "text"),
    _c("address_street_number", "Street number", "text", "address.street_number"),
    _c("address_street_name", "Street name", "text", "address.street_name"),
    _c("address_street_type", "Street type", "choice", "address.street_type"),
    _c("address_street_direction", "Street direction", "choice", "address.street_direction"),
    _c("address_unit", "Unit", "text", "address.unit"),
    _c("address_city", "City", "text", "address.city"),
    _c("address_province", "Province", "choice", "address.province"),
    _c("address_postal_code", "Postal code", "text", "address.postal_code"),
    _c("official_language", "Official language of preference", "choice"),
    _c("other_languages", "Other languages", "many_choice"),
    _c("country_of_birth", "Country of birth", "choice"),
    _c("citizenships", "Citizenships", "many_choice"),
    _c("immigration_status", "Immigration status", "choice"),
    _c("immigration_category", "Immigration category", "choice"),
    _c("arrival_date", "Date of arrival in Canada", "date"),
    _c("landing_date", "Date of landing (permanent residence)", "date"),
    _c("education_level", "Highest level of education", "choice"),
    _c("employment_status", "Employment status", "choice"),
    _c("marital_status", "Marital status", "choice"),
    _c("target_groups", "Target groups", "many_choice"),
)  # fmt: skip
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
REQUIRED_KEYS = ("consent_statement_version", "consent_language")


def choices(column: Column) -> tuple[str, ...]:
    """The exact labels a list column takes, from the lists the validation checks."""
    if column.field in values.ICARE_FIELDS:
        from reference.icare import catalog

        field = catalog.template("client_profile").field(values.ICARE_FIELDS[column.field])
        return tuple(field.values or ())
    from reference.code_lists import get as code_list

    return tuple(code_list(values.CODE_LISTS[column.field]).values)


def column_for(field: str) -> str:
    """The column key of an API field name ("address.province" -> "address_province")."""
    column = BY_FIELD.get(field) or BY_FIELD.get(field.split(".")[0])
    return column.key if column else field


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(raw: Any) -> str | None:
    """A cell as text; None when empty. XLSX numbers lose a spurious `.0`."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date() if raw.time() == datetime.min.time() else raw
    text = raw.isoformat() if isinstance(raw, date) else str(raw)
    text = text.strip()
    return text or None


def _date(text: str) -> str:
    parts = text.split("-")
    if (
        len(parts) != 3
        or [len(p) for p in parts] != [4, 2, 2]
        or not text.replace("-", "").isdigit()
    ):
        raise CellError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CellError("is not a calendar date (YYYY-MM-DD)") from None


def _yes_no(text: str) -> bool:
    folded = text.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError("must be Yes or No")


def cell_value(column: Column, text: str) -> Any:
    """The API value of a non-empty cell; CellError names what is wrong with it."""
    if column.kind == "date":
        return _date(text)
    if column.kind == "yes_no":
        return _yes_no(text)
    if column.kind in ("many_text", "many_choice"):
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    return text


def to_body(cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The API body of a row (its non-empty cells, by column key), and the cells refused.

    A named client's body always has `consent`: the importing worker records that the
    client accepted the privacy statement named in the row.
    """
    body: dict[str, Any] = {"consent": {}}
    errors: list[tuple[str, str]] = []
    for key, text in cells.items():
        column = BY_KEY[key]
        try:
            value = cell_value(column, text)
        except CellError as exc:
            errors.append((key, exc.message))
            continue
        if "." in column.field:
            group, name = column.field.split(".", 1)
            body.setdefault(group, {})[name] = value
        else:
            body[column.field] = value
    return body, errors
