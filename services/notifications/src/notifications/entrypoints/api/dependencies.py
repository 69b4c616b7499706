"""Annotated dependencies, so that route signatures read like prose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.config import NotificationsSettings
from servicekit.access import Principal, Role
from servicekit.access.http import CurrentPrincipal, require_role
from servicekit.http.correlation import correlation_id
from servicekit.service import runtime_of


async def _unit_of_work_factory(
    request: Request, principal: CurrentPrincipal
) -> Callable[[], NotificationsUnitOfWork]:
    """Units of work acting as the authenticated caller (for audit and access rules)."""
    runtime = runtime_of(request)
    correlation = correlation_id(request)

    def open_unit_of_work() -> NotificationsUnitOfWork:
        uow: NotificationsUnitOfWork = runtime.unit_of_work(correlation, principal)
        return uow

    return open_unit_of_work


async def _settings(request: Request) -> NotificationsSettings:
    settings = runtime_of(request).settings
    assert isinstance(settings, NotificationsSettings)
    return settings


UnitOfWorkFactory = Annotated[Callable[[], NotificationsUnitOfWork], Depends(_unit_of_work_factory)]
Settings = Annotated[NotificationsSettings, Depends(_settings)]
Admin = Annotated[Principal, Depends(require_role(Role.ADMIN))]
