"""The reports' use cases: the catalog, running a report, exporting it.

Who: managers and agency administrators, over their whole agency (aggregates only; no
report lists a client). Caseworkers are refused (403): their own work is on their "My
work" page, and a program-limited count would read as the agency's. Every run and
export is audited with its criteria (ids and list values, never personal data).
"""

import uuid
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Invalid, NotFound
from kit.logs import get_logger
from reporting.reports import repository as repo
from reporting.reports.facts import Dimension, Measure
from reporting.reports.labels import title as value_title
from reporting.reports.registry import BY_KEY, CLIENT_OPTIONS, REPORTS, Report
from reporting.reports.schemas import (
    Catalog,
    Column,
    Criteria,
    CriterionInfo,
    ReportInfo,
    ReportResult,
    Table,
    Title,
    option_values,
)

log = get_logger()
audit = EntityAudit("report")

# A report covers at most this long a period (a few fiscal years side by side).
MAX_PERIOD = timedelta(days=366 * 5)

CRITERIA_TITLES: dict[str, tuple[str, str]] = {
    "date_from": ("From", "Du"),
    "date_to": ("To", "Au"),
    "program_id": ("Program", "Programme"),
    "agreement_id": ("Funding agreement", "Accord de financement"),
    "funder_id": ("Funder", "Bailleur de fonds"),
    "worker_id": ("Worker", "Intervenant"),
    "gender": ("Gender", "Genre"),
    "immigration_status": ("Immigration status", "Statut d'immigration"),
    "age_group": ("Age group", "Groupe d'âge"),
    "language": ("Language", "Langue"),
    "country_of_birth": ("Country of birth", "Pays de naissance"),
    "target_group": ("Target group", "Groupe cible"),
}


def _title(en: str, fr: str) -> Title:
    return Title(en=en, fr=fr)


def _measure_column(m: Measure) -> Column:
    return Column(key=m.key, title=_title(m.title_en, m.title_fr), kind=m.kind)


def _dimension_column(d: Dimension) -> Column:
    return Column(key=d.key, title=_title(d.title_en, d.title_fr), kind="label")


def _info(report: Report) -> ReportInfo:
    fact = report.source
    return ReportInfo(
        key=report.key,
        title=_title(report.title_en, report.title_fr),
        description=_title(report.description_en, report.description_fr),
        criteria=list(report.criteria),
        measures=[_measure_column(fact.measures[m]) for m in report.measures],
        breakdowns=[_dimension_column(fact.dimensions[d]) for d in report.breakdowns],
    )


def catalog() -> Catalog:
    criteria = []
    for name, (en, fr) in CRITERIA_TITLES.items():
        if name in ("date_from", "date_to"):
            criteria.append(CriterionInfo(name=name, title=_title(en, fr), type="date",
                                          required=True))  # fmt: skip
        elif name.endswith("_id"):
            criteria.append(CriterionInfo(name=name, title=_title(en, fr), type="id"))
        else:
            criteria.append(
                CriterionInfo(
                    name=name, title=_title(en, fr), type="values", values=option_values(name)
                )
            )
    return Catalog(reports=[_info(r) for r in REPORTS], criteria=criteria)


def report_of(key: str) -> Report:
    report = BY_KEY.get(key)
    if report is None:
        raise NotFound("No such report", code="report_not_found")
    return report


def parse_criteria(raw: dict[str, Any]) -> Criteria:
    """Criteria from a query string (export links): the same checks as a JSON body, and
    the same 422 naming each refused field."""
    try:
        return Criteria.model_validate(raw)
    except ValidationError as exc:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"]) or "criteria", "message": e["msg"],
             "type": e["type"]}
            for e in exc.errors()
        ]  # fmt: skip
        error = Invalid(fields[0]["field"], fields[0]["message"])
        error.message = f"Invalid fields: {', '.join(sorted({f['field'] for f in fields}))}"
        error.fields = fields
        raise error from None


async def _filters(
    db: AsyncSession, actor: Principal, report: Report, criteria: Criteria
) -> repo.Filters:
    accepted = set(report.criteria)
    for name in sorted(criteria.used() - accepted, key=list(CRITERIA_TITLES).index):
        raise Invalid(name, "is not a criterion of this report", code="criterion_not_accepted")
    if criteria.date_to < criteria.date_from:
        raise Invalid("date_to", "must not be before date_from")
    if criteria.date_to - criteria.date_from > MAX_PERIOD:
        raise Invalid("date_to", "a report covers at most 5 years")
    agency = actor.agency_id
    if criteria.program_id is not None and not await repo.program(db, agency, criteria.program_id):
        raise Invalid("program_id", "is not a program of this agency", code="unknown_program")
    if criteria.worker_id is not None and not await repo.worker(db, agency, criteria.worker_id):
        raise Invalid("worker_id", "is not a staff member of this agency", code="unknown_worker")
    agreement = funder = None
    if criteria.agreement_id is not None:
        agreement = await repo.agreement(db, agency, criteria.agreement_id)
        if agreement is None:
            raise Invalid(
                "agreement_id", "is not a funding agreement of this agency",
                code="unknown_agreement",
            )  # fmt: skip
    if criteria.funder_id is not None:
        funder = await repo.funder(db, agency, criteria.funder_id)
        if funder is None:
            raise Invalid("funder_id", "is not a funder of this agency", code="unknown_funder")
    options = {name: getattr(criteria, name) for name in CLIENT_OPTIONS if getattr(criteria, name)}
    return repo.Filters(
        agency_id=agency,
        date_from=criteria.date_from,
        date_to=criteria.date_to,
        program_id=criteria.program_id,
        agreement=agreement,
        funder=funder,
        worker_id=criteria.worker_id,
        options=options,
    )


async def _labels(
    db: AsyncSession, agency_id: uuid.UUID, dimension: Dimension, keys: set[str]
) -> dict[str, str]:
    ids = {uuid.UUID(k) for k in keys}
    if dimension.labels == "program":
        return await repo.program_names(db, agency_id, ids)
    if dimension.labels == "staff":
        return await repo.staff_names(db, agency_id, ids)
    if dimension.labels == "agreement":
        return await repo.agreement_names(db, agency_id, ids)
    return {}


def _sorted(dimension: Dimension, rows: list[dict[str, Any]], first: str) -> list[dict[str, Any]]:
    def by_key(row: dict[str, Any]) -> tuple[bool, str]:
        return (row["key"] is None, row["key"] or "")

    def by_measure(row: dict[str, Any]) -> tuple[bool, float, str]:
        return (row["key"] is None, -(row[first] or 0), str(row["label"] or ""))

    return sorted(rows, key=by_key if dimension.order == "key" else by_measure)


async def run(
    db: AsyncSession,
    actor: Principal,
    key: str,
    criteria: Criteria,
    *,
    output: str = "json",
    lang: str = "en",
) -> ReportResult:
    """The report's totals and tables; coded values labelled in `lang` (en, fr)."""
    report = report_of(key)
    filters = await _filters(db, actor, report, criteria)
    fact = report.source
    measures = [fact.measures[m] for m in report.measures]
    where = repo.conditions(fact, filters)
    dimensions = [fact.dimensions[name] for name in report.breakdowns]
    await repo.tune(db)
    totals, found = await repo.aggregate(
        db, fact, dimensions, measures, where, (filters.date_from, filters.date_to)
    )
    if not any(totals.values()) and all(v is None for v in totals.values()):
        totals = dict.fromkeys(totals, 0)
    tables = []
    for dimension in dimensions:
        rows = found[dimension.key]
        keys = {r["key"] for r in rows if r["key"] is not None}
        labels = await _labels(db, actor.agency_id, dimension, keys) if dimension.labels else {}
        for row in rows:
            if row["key"] is None:
                row["label"] = None
            elif dimension.vocabulary is not None:
                row["label"] = value_title(dimension.vocabulary, row["key"], lang)
            else:
                row["label"] = labels.get(row["key"], row["key"])
        rows = [
            {"key": r["key"], "label": r["label"], **{m.key: r[m.key] for m in measures}}
            for r in _sorted(dimension, rows, measures[0].key)
        ]
        tables.append(
            Table(
                key=dimension.key,
                title=_title(dimension.title_en, dimension.title_fr),
                columns=[_dimension_column(dimension), *(_measure_column(m) for m in measures)],
                rows=rows,
            )
        )
    shown = criteria.model_dump(mode="json", exclude_defaults=True)
    shown.update(date_from=criteria.date_from.isoformat(), date_to=criteria.date_to.isoformat())
    await audit(
        db,
        actor,
        "report.run" if output == "json" else "report.exported",
        report.key,
        criteria=shown,
        format=output,
    )
    log.info("report.run", report=report.key, format=output, criteria=sorted(shown))
    return ReportResult(
        report=report.key,
        title=_title(report.title_en, report.title_fr),
        criteria=shown,
        generated_at=utcnow(),
        measures=[_measure_column(m) for m in measures],
        totals=totals,
        tables=tables,
    )


def criteria_from_query(items: list[tuple[str, str]]) -> dict[str, Any]:
    """A query string (`gender=Female&gender=Male&date_from=...`) as criteria fields:
    the additional options repeat, everything else is single."""
    raw: dict[str, Any] = {}
    for name, value in items:
        if name in CLIENT_OPTIONS:
            raw.setdefault(name, []).append(value)
        elif name in raw:
            raise Invalid(name, "is given more than once")
        else:
            raw[name] = value
    return raw


__all__ = ["catalog", "criteria_from_query", "parse_criteria", "report_of", "run"]
