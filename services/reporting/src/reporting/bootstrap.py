"""Wires the reporting service."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import REPORTING
from reporting.application.figure_cache import FigureCache
from reporting.application.unit_of_work import ReportingUnitOfWork
from reporting.config import ReportingSettings
from reporting.entrypoints.api import journeys, statistics
from reporting.entrypoints.cli import REBUILD
from reporting.entrypoints.dashboard import page as dashboard
from reporting.projections import deliveries, organisations, visas
from reporting.projections import journeys as journey_projection
from servicekit.access.replication import replicate_api_keys
from servicekit.messaging import EventRouter
from servicekit.migrations import MigrationSource
from servicekit.service import (
    ServiceDefinition,
    consumed_topics,
    create_app,
    produced_topics,
)


class MissingPseudonymKey(RuntimeError):
    pass


def _router() -> EventRouter[ReportingUnitOfWork]:
    router: EventRouter[ReportingUnitOfWork] = EventRouter()
    for projection in (journey_projection, visas, organisations, deliveries):
        router.include(projection.router)
    return replicate_api_keys(router)


def definition(settings: ReportingSettings | None = None) -> ServiceDefinition[ReportingUnitOfWork]:
    settings = settings or ReportingSettings()
    if settings.environment == "production" and settings.uses_development_pseudonym_key:
        raise MissingPseudonymKey(
            "set PSEUDONYM_KEY to a secret of your own: with the development key anyone could "
            "link pseudonymous ids in exports and the analytics stream back to worker ids"
        )
    return ServiceDefinition(
        name=REPORTING,
        title="Reporting",
        description=(
            "Read models, statistics, exports and a dashboard, built from events only. The "
            "ministry sees every worker; an LMC or agency the workers it registered; an "
            "operator the workers placed with it. No personal data: workers appear only under "
            "a pseudonymous id."
        ),
        settings=settings,
        migrations=MigrationSource(REPORTING, resources.files("reporting.migrations")),
        unit_of_work=ReportingUnitOfWork.configured(settings),
        router=_router(),
        consumes=consumed_topics(REPORTING),
        produces=produced_topics(REPORTING),
        api_routers=(statistics.router, journeys.router, dashboard.router),
        asyncapi=lambda: asyncapi_document(REPORTING),
        commands=(REBUILD,),
        app_setup=(lambda app: _keep_figures(app, settings),),
    )


def _keep_figures(app: FastAPI, settings: ReportingSettings) -> None:
    """One statistics cache per app, shared by the API and the dashboard."""
    app.state.figure_cache = FigureCache(
        max_entries=settings.figure_cache_entries, max_age=settings.figure_cache_seconds
    )


def app(settings: ReportingSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory reporting.bootstrap:app``)."""
    return create_app(definition(settings))
