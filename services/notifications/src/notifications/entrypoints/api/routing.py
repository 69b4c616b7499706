"""The routing table, as data: which event tells whom, how, with which template."""

from __future__ import annotations

from fastapi import APIRouter

from notifications.domain.routing import ROUTING
from notifications.entrypoints.api.schemas import RoutePublic
from servicekit.access.http import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["routing"])


@router.get(
    "/routing",
    response_model=list[RoutePublic],
    operation_id="listRoutes",
    summary="Who is told about each event, on which channels, and which notices are "
    "legally required",
)
async def list_routes(principal: CurrentPrincipal) -> list[RoutePublic]:
    return [
        RoutePublic(
            event=rule.event,
            audience=route.audience.value,
            channels=[channel.value for channel in route.channels],
            template=route.template,
            legally_required=route.legally_required,
            condition=route.when.describe() if route.when else None,
            reminder=route.reminder.describe() if route.reminder else None,
            cancels=list(rule.cancels),
        )
        for rule, route in ROUTING.routes()
    ]
