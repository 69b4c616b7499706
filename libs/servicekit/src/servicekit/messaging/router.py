"""The consumer's routing table: which handler applies which event type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent
from servicekit.unit_of_work import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
E = TypeVar("E", bound=IntegrationEvent)

Handler = Callable[[U, E, CloudEvent], Awaitable[None]]


class EventRouter(Generic[U]):
    """Maps event types to handlers. Events without a handler are acknowledged and skipped,
    still passing through the inbox so that the aggregate's versions stay contiguous."""

    def __init__(self) -> None:
        self._routes: dict[str, tuple[type[IntegrationEvent], Handler[U, Any]]] = {}

    def on(self, model: type[E]) -> Callable[[Handler[U, E]], Handler[U, E]]:
        def register(handler: Handler[U, E]) -> Handler[U, E]:
            self.add(model, handler)
            return handler

        return register

    def add(self, model: type[E], handler: Handler[U, E]) -> None:
        if model.event_type() in self._routes:
            raise ValueError(f"{model.event_type()} already has a handler")
        self._routes[model.event_type()] = (model, handler)

    def include(self, other: EventRouter[U]) -> EventRouter[U]:
        """Add every route of ``other`` (a service composes its routing table from modules)."""
        for model, handler in other._routes.values():
            self.add(model, handler)
        return self

    def handles(self, event_type: str) -> bool:
        return event_type in self._routes

    @property
    def event_types(self) -> list[str]:
        return sorted(self._routes)

    async def dispatch(self, uow: U, event: CloudEvent) -> bool:
        """Apply ``event`` within ``uow``; returns False when no handler is registered."""
        route = self._routes.get(event.type)
        if route is None:
            return False
        model, handler = route
        await handler(uow, event.payload(model), event)
        return True
