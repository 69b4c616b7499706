"""Annotated dependencies, so that route signatures read like prose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from registry.application.unit_of_work import RegistryUnitOfWork
from servicekit.http.correlation import correlation_id
from servicekit.service import runtime_of


def _unit_of_work_factory(request: Request) -> Callable[[], RegistryUnitOfWork]:
    runtime = runtime_of(request)
    correlation = correlation_id(request)

    def open_unit_of_work() -> RegistryUnitOfWork:
        uow: RegistryUnitOfWork = runtime.unit_of_work(correlation)
        return uow

    return open_unit_of_work


UnitOfWorkFactory = Annotated[Callable[[], RegistryUnitOfWork], Depends(_unit_of_work_factory)]
