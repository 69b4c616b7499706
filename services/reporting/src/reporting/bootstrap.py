"""Wires the reporting service."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import REPORTING
from reporting.application.unit_of_work import ReportingUnitOfWork
from reporting.config import ReportingSettings
from reporting.entrypoints.api import statistics
from reporting.projections.registrations import router as registrations
from servicekit.access.replication import replicate_api_keys
from servicekit.messaging import EventRouter
from servicekit.migrations import MigrationSource
from servicekit.service import (
    ServiceDefinition,
    consumed_topics,
    create_app,
)


def definition(settings: ReportingSettings | None = None) -> ServiceDefinition[ReportingUnitOfWork]:
    return ServiceDefinition(
        name=REPORTING,
        title="Reporting",
        description="Read models, statistics and exports, built from events only.",
        settings=settings or ReportingSettings(),
        migrations=MigrationSource(REPORTING, resources.files("reporting.migrations")),
        unit_of_work=ReportingUnitOfWork,
        router=replicate_api_keys(EventRouter[ReportingUnitOfWork]().include(registrations)),
        consumes=consumed_topics(REPORTING),
        api_routers=(statistics.router,),
        asyncapi=lambda: asyncapi_document(REPORTING),
    )


def app(settings: ReportingSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory reporting.bootstrap:app``)."""
    return create_app(definition(settings))
