"""What statistics and exports read: datasets over the read models, with their dimensions,
filters and tenant scope, and one SQL builder for all of them.

Every figure is computed by SQL over the projections at read time, so figures and exports are
always consistent with each other and with the analytics stream.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any
from uuid import UUID

from servicekit.access import Principal, Role
from servicekit.http.problems import FieldProblem, ProblemError


class InvalidQuery(ProblemError):
    status, slug, title = 422, "invalid-query", "The query cannot be answered"


@dataclass(frozen=True)
class Scope:
    """Whose records a caller may see: everything (ministry, admin), the workers an LMC or
    agency registered, or the workers placed with an operator."""

    organisation_id: UUID | None = None
    operator_id: UUID | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        if principal.reads_everything:
            return cls()
        if principal.role is Role.OPERATOR:
            return cls(operator_id=principal.organisation_id)
        return cls(organisation_id=principal.organisation_id)

    @property
    def label(self) -> str:
        if self.operator_id is not None:
            return f"operator {self.operator_id}"
        if self.organisation_id is not None:
            return f"organisation {self.organisation_id}"
        return "all organisations"


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    sex: str | None = None
    age_band: str | None = None
    organisation_id: UUID | None = None
    operator_id: UUID | None = None
    sector: str | None = None
    season: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def given(self) -> dict[str, Any]:
        """The filters that are set, except the date range."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("date_from", "date_to") and getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str
    # dimension name -> SQL expression (text or integer)
    dimensions: Mapping[str, str]
    # filter name (a Filters field) -> SQL expression it compares with
    filters: Mapping[str, str]
    date_column: str
    # SQL conditions with a {p} placeholder for the organisation id parameter
    scope_organisation: str
    scope_operator: str
    date_meaning: str = ""
    extra_dimensions: Mapping[str, str] = field(default_factory=dict)
    # alias -> a join of source that PostgreSQL cannot drop by itself (not unique on its join
    # columns): figures leave it out when they use none of its columns.
    optional_joins: Mapping[str, str] = field(default_factory=dict)

    def all_dimensions(self) -> dict[str, str]:
        return {**self.dimensions, **self.extra_dimensions}

    def source_for(self, clauses: str) -> str:
        """``source`` without the optional joins whose alias ``clauses`` never mention."""
        source = self.source
        for alias, join in self.optional_joins.items():
            if not re.search(rf"\b{alias}\.", clauses):
                source = source.replace(join, "")
        return source


_AGE_AT_SEASON = "age_band(w.date_of_birth, coalesce(j.season_start, j.started_on))"

# A visa case's journey: the latest of its worker and season, for the age band. A join, not a
# lateral subquery (which ran once per visa fact), so the planner hashes it over many facts and
# looks journeys up by index for few.
_LATEST_JOURNEY = (
    " LEFT JOIN (SELECT jj.worker_id, jj.season, jj.season_start, jj.started_on FROM journey jj"
    "   WHERE NOT EXISTS (SELECT FROM journey jn WHERE jn.worker_id = jj.worker_id"
    "   AND jn.season = jj.season AND jn.journey_no > jj.journey_no)) j"
    " ON j.worker_id = c.worker_id AND j.season = c.season"
)

JOURNEYS = Dataset(
    name="journeys",
    source="journey_snapshot js",
    dimensions={
        "region": "js.region",
        "sex": "js.sex",
        "age_band": "js.age_band",
        "organisation": "js.organisation_id::text",
        "operator": "js.operator_id::text",
        "sector": "js.sector",
        "season": "js.season",
        "stage": "js.stage",
        "year": "extract(year FROM js.started_on)::int",
        "orientation_language": "js.orientation_language",
    },
    filters={
        "region": "js.region",
        "sex": "js.sex",
        "age_band": "js.age_band",
        "organisation_id": "js.organisation_id",
        "operator_id": "js.operator_id",
        "sector": "js.sector",
        "season": "js.season",
    },
    date_column="js.started_on",
    scope_organisation="js.organisation_id = {p}",
    scope_operator="js.operator_id = {p}",
    date_meaning="the journey's start (registration, or screening for a later season)",
)

VISAS = Dataset(
    name="visas",
    source=(
        "visa_fact f JOIN visa_case c ON c.case_id = f.case_id"
        " LEFT JOIN worker w ON w.worker_id = c.worker_id"
        " LEFT JOIN placement p ON p.placement_id = c.placement_id" + _LATEST_JOURNEY
    ),
    dimensions={
        "region": "w.region",
        "sex": "w.sex",
        "age_band": _AGE_AT_SEASON,
        "organisation": "c.organisation_id::text",
        "operator": "c.operator_id::text",
        "sector": "p.sector",
        "season": "c.season",
        "year": "extract(year FROM f.occurred_on)::int",
        "month": "to_char(f.occurred_on, 'YYYY-MM')",
    },
    filters={
        "region": "w.region",
        "sex": "w.sex",
        "age_band": _AGE_AT_SEASON,
        "organisation_id": "c.organisation_id",
        "operator_id": "c.operator_id",
        "sector": "p.sector",
        "season": "c.season",
    },
    date_column="f.occurred_on",
    scope_organisation="c.organisation_id = {p}",
    scope_operator="c.operator_id = {p}",
    date_meaning="the day of the submission or decision",
    optional_joins={"j": _LATEST_JOURNEY},
)

GRIEVANCES = Dataset(
    name="grievances",
    source=(
        "grievance g LEFT JOIN worker w ON w.worker_id = g.worker_id"
        " LEFT JOIN journey j ON j.worker_id = g.worker_id AND j.journey_no = g.journey_no"
        " LEFT JOIN placement p ON p.placement_id = j.placement_id"
    ),
    dimensions={
        "region": "w.region",
        "sex": "w.sex",
        "age_band": _AGE_AT_SEASON,
        "organisation": "g.organisation_id::text",
        "operator": "g.operator_id::text",
        "sector": "p.sector",
        "season": "j.season",
        "year": "extract(year FROM g.raised_on)::int",
        "category": "g.category",
        "status": "g.status",
        "severity": "g.severity",
        "raised_by": "g.raised_by",
    },
    filters={
        "region": "w.region",
        "sex": "w.sex",
        "age_band": _AGE_AT_SEASON,
        "organisation_id": "g.organisation_id",
        "operator_id": "g.operator_id",
        "sector": "p.sector",
        "season": "j.season",
    },
    date_column="g.raised_on",
    scope_organisation="g.organisation_id = {p}",
    scope_operator="g.operator_id = {p}",
    date_meaning="the day the grievance was raised",
)

DELIVERIES = Dataset(
    name="deliveries",
    source="delivery d LEFT JOIN worker w ON w.worker_id = d.worker_id",
    dimensions={
        "region": "w.region",
        "sex": "w.sex",
        "organisation": "w.organisation_id::text",
        "year": "extract(year FROM d.occurred_on)::int",
        "month": "to_char(d.occurred_on, 'YYYY-MM')",
        "channel": "d.channel",
        "template": "d.template",
        "language": "d.language",
        "recipient_kind": "d.recipient_kind",
    },
    filters={
        "region": "w.region",
        "sex": "w.sex",
        "organisation_id": "w.organisation_id",
    },
    date_column="d.occurred_on",
    # {p}::uuid first: a parameter cast to text alone would be typed text, and uuid = text fails
    scope_organisation="(w.organisation_id = {p}::uuid OR d.recipient_id = {p}::uuid::text)",
    scope_operator=(
        "(d.recipient_id = {p}::uuid::text OR EXISTS (SELECT 1 FROM journey oj"
        " WHERE oj.worker_id = d.worker_id AND oj.operator_id = {p}::uuid))"
    ),
    date_meaning="the day the message was delivered or given up",
)

REGISTRATIONS = Dataset(
    name="registrations",
    source="worker w",
    dimensions={
        "region": "w.region",
        "sex": "w.sex",
        "organisation": "w.organisation_id::text",
        "year": "extract(year FROM w.registered_on)::int",
    },
    filters={"region": "w.region", "sex": "w.sex", "organisation_id": "w.organisation_id"},
    date_column="w.registered_on",
    scope_organisation="w.organisation_id = {p}",
    scope_operator=(
        "EXISTS (SELECT 1 FROM journey oj WHERE oj.worker_id = w.worker_id"
        " AND oj.operator_id = {p})"
    ),
    date_meaning="the day of registration",
)


class Sql:
    """A statement's WHERE conditions and positional parameters, built together."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.args: list[Any] = []

    def param(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def where(self) -> str:
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""


def restrict(
    sql: Sql,
    dataset: Dataset,
    filters: Filters,
    scope: Scope,
    *,
    date_column: str | None = None,
) -> None:
    """Add the scope, the filters and the date range of ``dataset`` to ``sql``."""
    if scope.organisation_id is not None:
        sql.conditions.append(dataset.scope_organisation.format(p=sql.param(scope.organisation_id)))
    if scope.operator_id is not None:
        sql.conditions.append(dataset.scope_operator.format(p=sql.param(scope.operator_id)))
    for name, value in filters.given().items():
        column = dataset.filters.get(name)
        if column is None:
            raise InvalidQuery(
                f"the {dataset.name} figures cannot be filtered by {name}",
                errors=[FieldProblem(field=f"query.{name}", message="not a filter here")],
            )
        sql.conditions.append(f"{column} = {sql.param(value)}")
    column = date_column or dataset.date_column
    if filters.date_from is not None:
        sql.conditions.append(f"{column} >= {sql.param(filters.date_from)}")
    if filters.date_to is not None:
        sql.conditions.append(f"{column} <= {sql.param(filters.date_to)}")


def dimension_columns(dataset: Dataset, group_by: Sequence[str]) -> list[tuple[str, str]]:
    known = dataset.all_dimensions()
    unknown = [name for name in group_by if name not in known]
    if unknown:
        raise InvalidQuery(
            f"the {dataset.name} figures cannot be grouped by {', '.join(unknown)};"
            f" choose from {', '.join(sorted(known))}",
            errors=[FieldProblem(field="query.group_by", message="unknown dimension")],
        )
    if len(set(group_by)) != len(group_by):
        raise InvalidQuery(
            "a dimension is named twice",
            errors=[FieldProblem(field="query.group_by", message="repeated dimension")],
        )
    return [(name, known[name]) for name in group_by]


async def aggregate(
    conn: Any,
    dataset: Dataset,
    measures: Sequence[tuple[str, str]],
    filters: Filters,
    scope: Scope,
    group_by: Sequence[str] = (),
    *,
    date_column: str | None = None,
    condition: str | None = None,
) -> list[dict[str, Any]]:
    """One row per group (or one row overall): the group's dimension values, then measures.

    ``condition`` is a fixed SQL condition of the figure itself (never caller input)."""
    dims = dimension_columns(dataset, group_by)
    sql = Sql()
    if condition is not None:
        sql.conditions.append(condition)
    restrict(sql, dataset, filters, scope, date_column=date_column)
    select = [f'{expr} AS "{name}"' for name, expr in dims]
    select += [f'{expr} AS "{name}"' for name, expr in measures]
    columns, where = ", ".join(select), sql.where()
    statement = f"SELECT {columns} FROM {dataset.source_for(columns + where)}{where}"
    if dims:
        positions = ", ".join(str(i + 1) for i in range(len(dims)))
        statement += f" GROUP BY {positions} ORDER BY {positions}"
    rows = await conn.fetch(statement, *sql.args)
    return [dict(row) for row in rows]


async def organisation_names(conn: Any, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT organisation_id::text AS id, name FROM organisation"
        " WHERE organisation_id = ANY($1::uuid[])",
        list(ids),
    )
    return {row["id"]: row["name"] for row in rows}
