"""Synthetic iCARE service records with valid values, driven by a template's description.

Each record fills what an agency's worker fills: every required field, the optional
fields most of the time, a conditional field only when its condition holds (target
groups when the activity is directed at one, child care details when care was given,
language pairs when translation was, the update reason only on an update). Choice values
are exact labels from the field's list, the first labels of a list drawn more often (the
common languages, the usual answers); yes/no mostly "No"; dates in the reported month.

    .venv/bin/python -m bench.icare_export.generate 5 information_orientation

Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta

from icare.workbooks import Row
from reference.icare import Field, Template, catalog

__all__ = ["generate_rows"]

# Chance that an optional (or conditional, once its condition holds) field is filled.
FILL_OPTIONAL = 0.85
YES = {  # yes/no answers that drive conditional blocks: how often they are "Yes"
    "target_group_specific_ind": 0.15,
    "support_received_ind": 0.3,
    "childminding_ind": 0.3,
    "translation_ind": 0.3,
    "interpretation_ind": 0.3,
}
YES_DEFAULT = 0.25
UPDATES = 0.05  # share of records sent as an update of an earlier upload


def generate_rows(
    template: Template, count: int, *, seed: int = 7, month: date = date(2026, 10, 1)
) -> list[Row]:
    """`count` valid rows of `template` (every value allowed by its description)."""
    rng = random.Random(seed)
    return [_row(template, n, rng, month) for n in range(count)]


def _row(template: Template, n: int, rng: random.Random, month: date) -> Row:
    row: dict[str, str | None] = {}
    for f in template.fields:
        if f.id == "processing_details":  # iCARE's column: empty on upload
            continue
        if f.id == "update_record_id":
            if rng.random() < UPDATES:
                row[f.id] = str(10_000_000 + rng.randrange(9_000_000))
            continue
        if f.conditional is not None and not f.conditional.holds(row):
            continue
        if not f.required and rng.random() > FILL_OPTIONAL:
            continue
        row[f.id] = _value(f, n, rng, month)
    return row


def _value(f: Field, n: int, rng: random.Random, month: date) -> str:
    if f.kind == "yes_no" and f.values is not None and set(f.values) == {"Yes", "No"}:
        return "Yes" if rng.random() < YES.get(f.id, YES_DEFAULT) else "No"
    if f.values is not None:
        # Zipf-like: label of rank k drawn with weight 1/k over the first 8, else any.
        head = f.values[:8]
        if rng.random() < 0.8:
            return rng.choices(head, weights=[1 / (k + 1) for k in range(len(head))])[0]
        return rng.choice(f.values)
    if f.kind == "date":
        if "birth" in f.id:
            return (date(1950, 1, 1) + timedelta(days=rng.randrange(60 * 365))).isoformat()
        return (month + timedelta(days=rng.randrange(28))).isoformat()
    if f.kind == "postal_code":
        letters = "ABCEGHJKLMNPRSTVXY"
        return "".join(
            rng.choice(letters) if i % 2 == 0 else str(rng.randrange(10)) for i in range(6)
        )
    if f.kind == "phone":
        return f"{rng.choice(['416', '647', '905', '613'])}-555-{rng.randrange(10000):04d}"
    if f.kind == "email":
        return f"client{n}@example.org"
    if f.kind == "integer":
        return str(rng.randrange(1, 60))
    if f.id == "client_validation_id":
        return f"{10_000_000 + n:08d}"  # a UCI: 8 digits
    return f"{f.label.strip()} {n}"


def main(argv: list[str]) -> None:
    count = int(argv[1]) if len(argv) > 1 else 5
    name = argv[2] if len(argv) > 2 else "information_orientation"
    for row in generate_rows(catalog.template(name), count):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
