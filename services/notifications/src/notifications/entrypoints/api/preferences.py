"""A worker's choices about messages, recorded by the organisation looking after the worker."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from notifications.application import preferences as handlers
from notifications.domain.preferences import Preferences
from notifications.entrypoints.api.dependencies import UnitOfWorkFactory
from notifications.entrypoints.api.schemas import PreferencesPublic
from servicekit.access.http import CurrentPrincipal
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/workers", tags=["preferences"])
_PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem} for code in (401, 403, 404, 422)
}


@router.get(
    "/{worker_id}/preferences",
    response_model=PreferencesPublic,
    responses=_PROBLEMS,
    operation_id="getPreferences",
    summary="The worker's opt-outs",
)
async def get_preferences(
    worker_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> PreferencesPublic:
    async with unit_of_work() as uow:
        preferences = await handlers.preferences_of(uow, worker_id)
    return PreferencesPublic(**vars(preferences))


@router.put(
    "/{worker_id}/preferences",
    response_model=PreferencesPublic,
    responses=_PROBLEMS,
    operation_id="setPreferences",
    summary="Record the worker's opt-outs (the worker's organisation)",
    description="Opting out of a channel stops every message on it except legally required "
    "notices (see GET /v1/routing). Consent to SMS and e-mail comes from the registry's "
    "contact details and is always respected. Audited.",
)
async def set_preferences(
    worker_id: UUID,
    body: PreferencesPublic,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
) -> PreferencesPublic:
    wanted = Preferences(sms_opt_out=body.sms_opt_out, email_opt_out=body.email_opt_out)
    async with unit_of_work() as uow:
        saved = await handlers.set_preferences(uow, worker_id, wanted)
    return PreferencesPublic(**vars(saved))
