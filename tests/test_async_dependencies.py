"""Decision 0014: no route or dependency of any service runs in FastAPI's thread pool."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from notifications.bootstrap import definition as notifications
from registry.bootstrap import definition as registry
from reporting.bootstrap import definition as reporting
from servicekit.service import create_app
from visa.bootstrap import definition as visa


def _routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, through included routers (FastAPI keeps those as wrappers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for dependency in dependant.dependencies:
        yield from _calls(dependency)


def _runs_on_the_loop(call: Callable[..., Any]) -> bool:
    if inspect.isclass(call):  # a class as a dependency is instantiated: no thread
        return True
    method = call if inspect.isroutine(call) else getattr(call, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)


@pytest.mark.parametrize("definition", [registry, visa, notifications, reporting])
def test_every_route_and_dependency_is_a_coroutine(definition: Callable[[], Any]) -> None:
    app = create_app(definition())
    threaded = sorted(
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in _routes(app.routes)
        for call in _calls(route.dependant)
        if not _runs_on_the_loop(call)
    )
    assert len(list(_routes(app.routes))) > 5, "the routes were found"
    assert threaded == []
