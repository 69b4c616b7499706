"""Wires the registry: settings, migrations, unit of work, API routes, subscriptions."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import REGISTRY
from registry.application.overstay import overstay_checks
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.config import RegistrySettings
from registry.entrypoints.admin_cli import ADMIN_COMMAND
from registry.entrypoints.api import bulk, journey, organisations, orientation_sessions, workers
from registry.entrypoints.api.errors import install_domain_error_handler
from registry.entrypoints.consumers.visa_decisions import router as visa_decisions
from servicekit.http.audit_api import audit_router
from servicekit.messaging import EventRouter
from servicekit.migrations import MigrationSource
from servicekit.service import (
    ServiceDefinition,
    consumed_topics,
    create_app,
    produced_topics,
)


def definition(settings: RegistrySettings | None = None) -> ServiceDefinition[RegistryUnitOfWork]:
    return ServiceDefinition(
        name=REGISTRY,
        title="Registry",
        description="Organisations, workers and each worker's journey from recruitment to return.",
        settings=settings or RegistrySettings(),
        migrations=MigrationSource(REGISTRY, resources.files("registry.migrations")),
        unit_of_work=RegistryUnitOfWork,
        router=EventRouter[RegistryUnitOfWork]().include(visa_decisions),
        consumes=consumed_topics(REGISTRY),
        produces=produced_topics(REGISTRY),
        api_routers=(
            audit_router("The audit log: who changed what, when, before and after (admins)"),
            bulk.router,
            workers.router,
            journey.router,
            orientation_sessions.router,
            organisations.router,
        ),
        body_limits={bulk.BULK_PATH: bulk.BULK_MAX_BYTES},
        asyncapi=lambda: asyncapi_document(REGISTRY),
        app_setup=(install_domain_error_handler,),
        commands=(ADMIN_COMMAND,),
        background_jobs=(overstay_checks,),
    )


def app(settings: RegistrySettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory registry.bootstrap:app``)."""
    return create_app(definition(settings))
