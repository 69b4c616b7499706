"""Wires the notifications service."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI

from contracts.asyncapi import asyncapi_document
from contracts.topics import NOTIFICATIONS
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.config import NotificationsSettings
from notifications.entrypoints.consumers.contacts import router as contacts
from servicekit.access.replication import replicate_api_keys
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
    return ServiceDefinition(
        name=NOTIFICATIONS,
        title="Notifications",
        description="SMS, e-mail and signed webhooks in Kazakh, Russian and English.",
        settings=settings or NotificationsSettings(),
        migrations=MigrationSource(NOTIFICATIONS, resources.files("notifications.migrations")),
        unit_of_work=NotificationsUnitOfWork,
        router=replicate_api_keys(EventRouter[NotificationsUnitOfWork]().include(contacts)),
        consumes=consumed_topics(NOTIFICATIONS),
        produces=produced_topics(NOTIFICATIONS),
        asyncapi=lambda: asyncapi_document(NOTIFICATIONS),
    )


def app(settings: NotificationsSettings | None = None) -> FastAPI:
    """The ASGI application (e.g. ``uvicorn --factory notifications.bootstrap:app``)."""
    return create_app(definition(settings))
