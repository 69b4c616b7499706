"""Wires the notifications service: settings, migrations, unit of work, subscriptions, API
routes, the delivery sender, the start-up template check and log masking."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import NOTIFICATIONS
from notifications import wiring
from notifications.adapters.log_masking import install_personal_data_filter
from notifications.application.messages import check_templates_at_start
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.config import NotificationsSettings
from notifications.entrypoints.api import deliveries, endpoints, preferences, routing
from notifications.entrypoints.api.errors import install_domain_error_handler
from notifications.entrypoints.consumers.contacts import router as contacts
from notifications.entrypoints.consumers.journey import journey_router
from notifications.entrypoints.jobs.sender import delivery_sender
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


def definition(
    settings: NotificationsSettings | None = None,
) -> ServiceDefinition[NotificationsUnitOfWork]:
    settings = settings or NotificationsSettings()
    router = EventRouter[NotificationsUnitOfWork]().include(contacts)
    router.include(journey_router(wiring.planner(settings)))

    def check_templates(app: FastAPI) -> None:
        check_templates_at_start(wiring.templates(), wiring.contacts(settings))

    def mask_personal_data(app: FastAPI) -> None:
        install_personal_data_filter()

    return ServiceDefinition(
        name=NOTIFICATIONS,
        title="Notifications",
        description="SMS, e-mail and signed webhooks in Kazakh, Russian and English: who is "
        "told about each journey and visa event (GET /v1/routing), webhook endpoints, the "
        "delivery log and workers' preferences.",
        settings=settings,
        migrations=MigrationSource(NOTIFICATIONS, resources.files("notifications.migrations")),
        unit_of_work=NotificationsUnitOfWork,
        router=replicate_api_keys(router),
        consumes=consumed_topics(NOTIFICATIONS),
        produces=produced_topics(NOTIFICATIONS),
        api_routers=(
            endpoints.router,
            deliveries.router,
            preferences.router,
            routing.router,
            audit_router(
                "Who changed which endpoint or preference, when, before and after (admins)"
            ),
        ),
        asyncapi=lambda: asyncapi_document(NOTIFICATIONS),
        app_setup=(install_domain_error_handler, check_templates, mask_personal_data),
        background_jobs=(delivery_sender,),
    )


def app(settings: NotificationsSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory notifications.bootstrap:app``)."""
    return create_app(definition(settings))
