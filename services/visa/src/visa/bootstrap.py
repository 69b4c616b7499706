"""Wires the visa service: settings, migrations, unit of work, API routes, subscriptions, the
scheduled check and the rules command."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import VISA
from servicekit.access.replication import replicate_api_keys
from servicekit.http.audit_api import audit_router
from servicekit.messaging import EventRouter
from servicekit.migrations import MigrationSource
from servicekit.service import (
    ServiceDefinition,
    consumed_topics,
    create_app,
    produced_topics,
)
from visa.application.checks import scheduled_checks
from visa.application.unit_of_work import VisaUnitOfWork
from visa.config import VisaSettings
from visa.entrypoints.api import case_steps, cases, rules
from visa.entrypoints.api.errors import install_domain_error_handler
from visa.entrypoints.consumers.organisations import router as organisations
from visa.entrypoints.consumers.registry_events import router as registry_events
from visa.entrypoints.rules_cli import RULES_COMMAND


def definition(settings: VisaSettings | None = None) -> ServiceDefinition[VisaUnitOfWork]:
    router = EventRouter[VisaUnitOfWork]().include(registry_events).include(organisations)
    return ServiceDefinition(
        name=VISA,
        title="Visa",
        description="Visa cases: sponsorship, application, decision, validity, expiry notices.",
        settings=settings or VisaSettings(),
        migrations=MigrationSource(VISA, resources.files("visa.migrations")),
        unit_of_work=VisaUnitOfWork,
        router=replicate_api_keys(router),
        consumes=consumed_topics(VISA),
        produces=produced_topics(VISA),
        api_routers=(
            cases.router,
            case_steps.router,
            rules.router,
            audit_router(
                "The audit log: who changed which case or rule, when, before and after (admins)"
            ),
        ),
        asyncapi=lambda: asyncapi_document(VISA),
        app_setup=(install_domain_error_handler,),
        commands=(RULES_COMMAND,),
        background_jobs=(scheduled_checks,),
    )


def app(settings: VisaSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory visa.bootstrap:app``)."""
    return create_app(definition(settings))
