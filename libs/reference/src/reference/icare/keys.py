"""Stable keys of iCARE fields and values, shared by whoever maps a form to a template.

Sessions derives its iCARE-mapped service forms with these keys (a question per field,
a choice per exact label); icare maps the answers of a recorded form back to template
cells with the same functions, so neither imports the other's code.
"""

import re

__all__ = ["choice_keys", "question_key"]

_RENAMES = [
    (re.compile(r"^childminding_NewcomerChildren\[(\d+)\]childminding_age_id$"), r"child_\1_age"),
    (
        re.compile(r"^childminding_NewcomerChildren\[(\d+)\]childminding_type_id$"),
        r"child_\1_care_type",
    ),
    (re.compile(r"^short_term_service\[(\d+)\]service_received_id$"), r"short_term_\1_service"),
    (re.compile(r"^short_term_service\[(\d+)\]entry_dt$"), r"short_term_\1_date"),
]


def question_key(field_id: str) -> str:
    """The stable question key of an iCARE field id (lower case slug)."""
    for pattern, repl in _RENAMES:
        if pattern.match(field_id):
            return pattern.sub(repl, field_id)
    key = re.sub(r"[^a-z0-9]+", "_", field_id.lower()).strip("_")
    return key[:64]


def choice_keys(values: tuple[str, ...]) -> list[str]:
    """One stable key per exact label: its slug, made unique in the list."""
    out: list[str] = []
    seen: set[str] = set()
    for n, label in enumerate(values):
        slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:60] or f"v{n}"
        key, i = slug, 2
        while key in seen:
            key, i = f"{slug}_{i}", i + 1
        seen.add(key)
        out.append(key)
    return out
