"""The dashboard: one server-rendered page (HTML with inline SVG, no script, nothing fetched from
elsewhere) in Kazakh, Russian or English, scoped like the API.

Authentication: ``POST /v1/dashboard/links`` (with an API key) returns a link carrying a view
token valid for DASHBOARD_TOKEN_MINUTES; the page checks the token and that its key is still
active. The page is sent with no-store, no-referrer and a strict content security policy, so
the token neither lingers in caches nor leaks to other sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from reporting.application import statistics
from reporting.application.datasets import Filters, Scope
from reporting.application.figure_cache import FigureReader
from reporting.application.view_tokens import InvalidToken, ViewTokens, token_key
from reporting.config import ReportingSettings
from reporting.entrypoints.api.schemas import DashboardLink
from reporting.entrypoints.dashboard.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    Lang,
    labels,
    number,
    percent,
)
from servicekit.access import ApiKeyStore, Principal
from servicekit.access.http import CurrentPrincipal
from servicekit.http.problems import Unauthorized
from servicekit.http.text import NO_NUL
from servicekit.service import runtime_of

router = APIRouter()

_templates = Environment(
    loader=PackageLoader("reporting.entrypoints.dashboard", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
}
GRIEVANCE_CATEGORIES = (
    "wages",
    "housing",
    "safety",
    "harassment",
    "recruitment_fee",
    "document_retention",
    "other",
)
GRIEVANCE_STATUSES = ("open", "referred", "resolved")


def view_tokens(request: Request) -> ViewTokens:
    settings = runtime_of(request).settings
    assert isinstance(settings, ReportingSettings)
    key = token_key(
        settings.pseudonym_key.get_secret_value(),
        settings.dashboard_token_key.get_secret_value() if settings.dashboard_token_key else None,
    )
    return ViewTokens(key, timedelta(minutes=settings.dashboard_token_minutes))


@router.post(
    "/v1/dashboard/links",
    response_model=DashboardLink,
    status_code=201,
    tags=["dashboard"],
    operation_id="dashboardLink",
    summary="A short-lived link to the dashboard, showing what the caller may see",
)
async def dashboard_link(
    request: Request,
    principal: CurrentPrincipal,
    lang: Annotated[Lang, Query(description="The page's language.")] = "en",
) -> DashboardLink:
    token, expires = view_tokens(request).issue(principal)
    return DashboardLink(
        url="/dashboard?" + urlencode({"lang": lang, "token": token}),
        token=token,
        expires_at=expires,
    )


async def _viewer(request: Request, token: str) -> Principal:
    try:
        principal = view_tokens(request).verify(token)
    except InvalidToken as error:
        raise Unauthorized(str(error)) from error
    owner = await ApiKeyStore(runtime_of(request).pool).owner_of(principal.key_id)
    if owner != principal.organisation_id:
        raise Unauthorized("the API key behind this link was revoked")
    return principal


@router.get(
    "/dashboard",
    response_class=HTMLResponse,
    tags=["dashboard"],
    operation_id="dashboard",
    summary="The dashboard page (HTML), opened with a link from POST /v1/dashboard/links",
    responses={
        401: {"description": "The link's token is not valid or has expired, or its key was revoked"}
    },
)
async def dashboard(
    request: Request,
    token: Annotated[str, Query(max_length=2000, description="The view token of the link.")],
    lang: Annotated[Lang, Query(description="kk, ru or en.")] = "en",
    season: Annotated[int | None, Query(ge=2020, le=2100)] = None,
    region: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
) -> HTMLResponse:
    principal = await _viewer(request, token)
    scope = Scope.of(principal)
    filters = Filters(season=season, region=region)
    async with runtime_of(request).pool.acquire() as conn:
        reader = await FigureReader.open(request.app.state.figure_cache, conn)
        figures = await _figures(reader, filters, scope)
        seasons = await conn.fetch(
            "SELECT DISTINCT season FROM journey WHERE season IS NOT NULL ORDER BY season"
        )
    words = labels(lang)
    languages = [
        (code, LANGUAGE_NAMES[code], _link(token, code, season, region)) for code in LANGUAGES
    ]
    season_links = [(None, words["all_seasons"], _link(token, lang, None, region))]
    season_links += [
        (row["season"], str(row["season"]), _link(token, lang, row["season"], region))
        for row in seasons
    ]
    page = _templates.get_template("dashboard.html").render(
        lang=lang,
        t=words,
        scope_label=_scope_label(scope, words),
        languages=languages,
        seasons=season_links,
        season=season,
        region=region,
        all_regions_link=_link(token, lang, season, None),
        view=_View(figures, lang, words),
    )
    return HTMLResponse(page, headers=_HEADERS)


def _link(token: str, lang: str, season: int | None, region: str | None) -> str:
    query: dict[str, Any] = {"lang": lang}
    if season is not None:
        query["season"] = season
    if region is not None:
        query["region"] = region
    query["token"] = token
    return "/dashboard?" + urlencode(query)


def _scope_label(scope: Scope, words: dict[str, str]) -> str:
    if scope.operator_id is not None:
        return words["operator_workers"]
    if scope.organisation_id is not None:
        return words["own_workers"]
    return words["all_organisations"]


async def _figures(figures: FigureReader, filters: Filters, scope: Scope) -> dict[str, Any]:
    def one(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return rows[0] if rows else {}

    return {
        "funnel": one(await figures(statistics.funnel, filters, scope)),
        "visas": one(await figures(statistics.visas, filters, scope)),
        "visas_by_month": await figures(statistics.visas, filters, scope, ["month"]),
        "travel": one(await figures(statistics.travel, filters, scope)),
        "orientation": one(await figures(statistics.orientation, filters, scope)),
        "compliance": one(await figures(statistics.compliance, filters, scope)),
        "grievances": await figures(statistics.grievances, filters, scope, ["category", "status"]),
        "by_region": await figures(statistics.funnel, filters, scope, ["region"]),
        "by_season": await figures(statistics.funnel, filters, scope, ["season"]),
        "visas_by_season": await figures(statistics.visas, filters, scope, ["season"]),
    }


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    width: float
    y: float


@dataclass(frozen=True)
class MonthBars:
    month: str
    granted: int
    refused: int
    x: float
    granted_height: float
    refused_height: float


class _View:
    """The figures, formatted for one language, and the geometry of the charts."""

    BAR_AREA = 420.0
    ROW = 34.0
    CHART_HEIGHT = 160.0
    MONTH_WIDTH = 34.0

    def __init__(self, figures: dict[str, Any], lang: Lang, words: dict[str, str]) -> None:
        self.figures = figures
        self.lang = lang
        self.words = words

    def n(self, value: Any, places: int = 0) -> str:
        return number(value, self.lang, places)

    def pct(self, value: float | None) -> str:
        return percent(value, self.lang)

    @property
    def empty(self) -> bool:
        return not self.figures["funnel"].get("registered")

    def key_figures(self) -> list[tuple[str, str, str]]:
        f = self.figures
        values = {
            "registered": self.n(f["funnel"].get("registered", 0)),
            "visa_granted": self.n(f["funnel"].get("visa_granted", 0)),
            "approval_rate": self.pct(f["visas"].get("approval_rate")),
            "median_days": self.n(f["visas"].get("median_processing_days"), 1),
            "p90_days": self.n(f["visas"].get("p90_processing_days"), 1),
            "departed": self.n(f["travel"].get("departed", 0)),
            "on_time_rate": self.pct(f["travel"].get("on_time_return_rate")),
            "orientation_share": self.pct(f["orientation"].get("departed_oriented_share")),
            "overstay_risks": self.n(f["travel"].get("overstay_risks", 0)),
            "fee_breaches": self.n(f["compliance"].get("fee_breaches", 0)),
            "open_grievances": self.n(sum(row["open"] for row in f["grievances"])),
        }
        return [(key, self.words[key], value) for key, value in values.items()]

    def funnel_bars(self) -> list[Bar]:
        funnel = self.figures["funnel"]
        steps = [*statistics.FUNNEL_STEPS, "withdrawn"]
        top = max((funnel.get(step) or 0 for step in steps), default=0) or 1
        return [
            Bar(
                key=step,
                label=self.words[step],
                value=funnel.get(step) or 0,
                width=round(self.BAR_AREA * (funnel.get(step) or 0) / top, 1),
                y=index * self.ROW,
            )
            for index, step in enumerate(steps)
        ]

    @property
    def funnel_height(self) -> float:
        return self.ROW * (len(statistics.FUNNEL_STEPS) + 1)

    def months(self) -> list[MonthBars]:
        rows = [r for r in self.figures["visas_by_month"] if r["granted"] or r["refused"]]
        top = max((max(r["granted"], r["refused"]) for r in rows), default=0) or 1
        scale = self.CHART_HEIGHT / top
        return [
            MonthBars(
                month=str(row["group"]["month"]),
                granted=row["granted"],
                refused=row["refused"],
                x=index * self.MONTH_WIDTH,
                granted_height=round(row["granted"] * scale, 1),
                refused_height=round(row["refused"] * scale, 1),
            )
            for index, row in enumerate(rows)
        ]

    @property
    def months_width(self) -> float:
        return max(len(self.months()) * self.MONTH_WIDTH, self.MONTH_WIDTH)

    def grievance_table(self) -> list[tuple[str, str, list[int], int]]:
        counts: dict[tuple[str, str], int] = {
            (str(r["group"]["category"]), str(r["group"]["status"])): r["grievances"]
            for r in self.figures["grievances"]
        }
        table = []
        for category in GRIEVANCE_CATEGORIES:
            cells = [counts.get((category, status), 0) for status in GRIEVANCE_STATUSES]
            if sum(cells):
                label = self.words[f"category_{category}"]
                table.append((category, label, cells, sum(cells)))
        return table

    def status_labels(self) -> list[str]:
        return [self.words[f"status_{status}"] for status in GRIEVANCE_STATUSES]

    def regions(self) -> list[dict[str, Any]]:
        return [
            {
                "region": row["group"]["region"] or self.words["unknown"],
                "registered": row["registered"],
                "visa_granted": row["visa_granted"],
                "departed": row["departed"],
                "returned": row["returned"],
            }
            for row in self.figures["by_region"]
        ]

    def seasons(self) -> list[dict[str, Any]]:
        approval = {
            row["group"]["season"]: row["approval_rate"] for row in self.figures["visas_by_season"]
        }
        return [
            {
                "season": row["group"]["season"],
                "label": str(row["group"]["season"] or self.words["unknown"]),
                "registered": row["registered"],
                "visa_granted": row["visa_granted"],
                "departed": row["departed"],
                "returned": row["returned"],
                "approval_rate": self.pct(approval.get(row["group"]["season"])),
            }
            for row in self.figures["by_season"]
        ]
