"""Wires the visa service."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import VISA
from servicekit.access.replication import replicate_api_keys
from servicekit.messaging import EventRouter
from servicekit.migrations import MigrationSource
from servicekit.service import (
    ServiceDefinition,
    consumed_topics,
    create_app,
    produced_topics,
)
from visa.application.unit_of_work import VisaUnitOfWork
from visa.config import VisaSettings
from visa.entrypoints.consumers.registry_events import router as registry_events


def definition(settings: VisaSettings | None = None) -> ServiceDefinition[VisaUnitOfWork]:
    return ServiceDefinition(
        name=VISA,
        title="Visa",
        description="Visa cases: sponsorship, application, decision, validity, expiry, overstay.",
        settings=settings or VisaSettings(),
        migrations=MigrationSource(VISA, resources.files("visa.migrations")),
        unit_of_work=VisaUnitOfWork,
        router=replicate_api_keys(EventRouter[VisaUnitOfWork]().include(registry_events)),
        consumes=consumed_topics(VISA),
        produces=produced_topics(VISA),
        asyncapi=lambda: asyncapi_document(VISA),
    )


def app(settings: VisaSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory visa.bootstrap:app``)."""
    return create_app(definition(settings))
