"""Annotated dependencies, so that route signatures read like prose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from servicekit.access import Principal, Role
from servicekit.access.http import CurrentPrincipal
from servicekit.http.correlation import correlation_id
from servicekit.http.problems import Forbidden, Unauthorized
from servicekit.service import runtime_of
from visa.adapters.organisation_repository import OrganisationRepository
from visa.application.unit_of_work import VisaUnitOfWork


async def _active_caller(request: Request, principal: CurrentPrincipal) -> Principal:
    """The caller, unless the registry announced its organisation deactivated: its keys stop
    working here too, even before their revocation arrives."""
    organisation = await OrganisationRepository(runtime_of(request).pool).get(
        principal.organisation_id
    )
    if organisation is not None and not organisation.active:
        raise Unauthorized("the API key's organisation was deactivated")
    return principal


Caller = Annotated[Principal, Depends(_active_caller)]


async def _admin(caller: Caller) -> Principal:
    if caller.role is not Role.ADMIN:
        raise Forbidden("this needs the admin role")
    return caller


Admin = Annotated[Principal, Depends(_admin)]


async def _unit_of_work_factory(request: Request, caller: Caller) -> Callable[[], VisaUnitOfWork]:
    """Units of work acting as the authenticated caller (for audit and access rules)."""
    runtime = runtime_of(request)
    correlation = correlation_id(request)

    def open_unit_of_work() -> VisaUnitOfWork:
        uow: VisaUnitOfWork = runtime.unit_of_work(correlation, caller)
        return uow

    return open_unit_of_work


UnitOfWorkFactory = Annotated[Callable[[], VisaUnitOfWork], Depends(_unit_of_work_factory)]
