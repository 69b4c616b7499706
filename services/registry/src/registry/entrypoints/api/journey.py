"""Journey routes: each step on a worker is a POST on one of its sub-resources.

A POST to a collection (screenings, placements, welfare-checks, grievances, recruitment-fees)
creates an item and answers 201 with it; a POST to a single step (orientation, acceptance,
decline, withdrawal, departure, arrival, contract-end, return, referral, resolution) answers
200 with the journey as it now stands. Every POST honours an Idempotency-Key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from registry.application import journey as steps
from registry.application.journey import Acting
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import GrievanceNotFound, PlacementNotFound
from registry.domain.placement import Accommodation
from registry.domain.travel import FollowUp
from registry.entrypoints.api.dependencies import UnitOfWorkFactory
from registry.entrypoints.api.journey_schemas import (
    ArrivalCreate,
    ContractEndCreate,
    DeclineCreate,
    DepartureCreate,
    FeeReportCreate,
    FeeReportPublic,
    GrievanceCreate,
    GrievancePublic,
    JourneyPublic,
    OrientationCompletionCreate,
    PlacementCreate,
    PlacementPublic,
    ReferralCreate,
    ResolutionCreate,
    ReturnCreate,
    ScreeningCreate,
    ScreeningResult,
    WelfareCheckCreate,
    WelfareCheckPublic,
    WithdrawalCreate,
    fee_public,
    grievance_public,
    journey_public,
    placement_public,
    screening_result,
    welfare_check_public,
)
from servicekit.access.http import CurrentPrincipal
from servicekit.http.idempotency import Answer, IdempotencyKey, run_once
from servicekit.http.problems import Problem

router = APIRouter(prefix="/v1/workers", tags=["journey"])

_DESCRIPTIONS = {
    401: "No valid API key",
    403: "The caller may see the worker but not take this step",
    404: "No such worker (or item) the caller may see",
    409: "The worker's stage does not allow the step (`allowed_actions` lists what does), or"
    " the item's state does not",
    422: "A field is wrong; `errors` names it",
}


def _problems(*codes: int) -> dict[int | str, dict[str, object]]:
    return {code: {"model": Problem, "description": _DESCRIPTIONS[code]} for code in codes}


_STEP_PROBLEMS = _problems(401, 403, 404, 409, 422)
_READ_PROBLEMS = _problems(401, 404)
StepRun = Callable[[RegistryUnitOfWork], Awaitable[Acting]]


async def _step(
    request: Request, key: str | None, unit_of_work: UnitOfWorkFactory, step: StepRun
) -> Response:
    """Run a step once per Idempotency-Key; answer with the journey as it now stands."""

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        return Answer(200, journey_public((await step(uow)).view()))

    return await run_once(request, key, unit_of_work, produce)


# -- reading ------------------------------------------------------------------------------------


@router.get(
    "/{worker_id}/journey",
    response_model=JourneyPublic,
    responses=_READ_PROBLEMS,
    operation_id="getJourney",
    summary="Where the worker's journey stands, the steps allowed next, and its records",
)
async def get_journey(
    worker_id: UUID, principal: CurrentPrincipal, unit_of_work: UnitOfWorkFactory
) -> JourneyPublic:
    async with unit_of_work() as uow:
        return journey_public(await steps.journey_of(uow, worker_id))


@router.get(
    "/{worker_id}/placements/{placement_id}",
    response_model=PlacementPublic,
    responses=_READ_PROBLEMS,
    operation_id="getPlacement",
    summary="One placement offered to the worker",
)
async def get_placement(
    worker_id: UUID,
    placement_id: UUID,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
) -> PlacementPublic:
    async with unit_of_work() as uow:
        worker = await steps.journey_of(uow, worker_id)
    found = next((p for p in worker.placements if p.id == placement_id), None)
    if found is None:
        raise PlacementNotFound(placement_id)
    return placement_public(found)


@router.get(
    "/{worker_id}/grievances/{grievance_id}",
    response_model=GrievancePublic,
    responses=_READ_PROBLEMS,
    operation_id="getGrievance",
    summary="One grievance raised by or about the worker",
)
async def get_grievance(
    worker_id: UUID,
    grievance_id: UUID,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
) -> GrievancePublic:
    async with unit_of_work() as uow:
        worker = await steps.journey_of(uow, worker_id)
    found = next((g for g in worker.grievances if g.id == grievance_id), None)
    if found is None:
        raise GrievanceNotFound(grievance_id)
    return grievance_public(found)


# -- before the visa --------------------------------------------------------------------------


@router.post(
    "/{worker_id}/screenings",
    status_code=status.HTTP_201_CREATED,
    response_model=ScreeningResult,
    responses=_STEP_PROBLEMS,
    operation_id="screenWorker",
    summary="Check the worker's eligibility for a season (owners)",
    description="Age 18 on the season start, passport valid to its end, no active placement, at"
    " most 183 days in the UK in the 12 months to its end. An eligible worker moves to"
    " `screened` for the season; an ineligible one stays where it was, with the reasons.",
)
async def screen_worker(
    worker_id: UUID,
    body: ScreeningCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        acting, screening = await steps.screen(uow, worker_id, body.season_start, body.season_end)
        return Answer(201, screening_result(acting.view(), screening))

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.post(
    "/{worker_id}/orientation",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="completeOrientation",
    summary="Record that the worker completed Pre-Departure Orientation in a session (owners)",
    description="The session must have covered all four topics and have a seat left (409"
    " `orientation-session-full` otherwise); `attended_on` is the session's date.",
)
async def complete_orientation(
    worker_id: UUID,
    body: OrientationCompletionCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.complete_orientation(uow, worker_id, body.session_id, body.attended_on),
    )


@router.post(
    "/{worker_id}/placements",
    status_code=status.HTTP_201_CREATED,
    response_model=PlacementPublic,
    responses=_STEP_PROBLEMS,
    operation_id="offerPlacement",
    summary="Record a UK scheme operator's placement offer to the worker (owners)",
    description="`operator_id` must be an active operator; it sees the worker from then on."
    " After a visa refusal a new offer replaces the accepted placement.",
)
async def offer_placement(
    worker_id: UUID,
    body: PlacementCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = steps.OfferPlacement(
        **body.model_dump(exclude={"accommodation"}),
        accommodation=Accommodation(**body.accommodation.model_dump()),
    )

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        _, offer = await steps.offer_placement(uow, worker_id, command)
        location = f"/v1/workers/{worker_id}/placements/{offer.id}"
        return Answer(201, placement_public(offer), {"Location": location})

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.post(
    "/{worker_id}/placements/{placement_id}/acceptance",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="acceptPlacement",
    summary="Record that the worker accepted the pending offer (owners)",
)
async def accept_placement(
    worker_id: UUID,
    placement_id: UUID,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.accept_placement(uow, worker_id, placement_id),
    )


@router.post(
    "/{worker_id}/placements/{placement_id}/decline",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="declinePlacement",
    summary="Record that the worker declined the pending offer, and why (owners)",
)
async def decline_placement(
    worker_id: UUID,
    placement_id: UUID,
    body: DeclineCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.decline_placement(uow, worker_id, placement_id, body.reason),
    )


@router.post(
    "/{worker_id}/withdrawal",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="withdrawWorker",
    summary="Record that the worker left the process, before departure (owners)",
)
async def withdraw_worker(
    worker_id: UUID,
    body: WithdrawalCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.withdraw(uow, worker_id, body.reason),
    )


# -- travel and return ------------------------------------------------------------------------


@router.post(
    "/{worker_id}/departure",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="recordDeparture",
    summary="Record the worker's departure to the UK (owners)",
    description="Needs a granted visa valid on the day and this season's orientation.",
)
async def record_departure(
    worker_id: UUID,
    body: DepartureCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.record_departure(
            uow, worker_id, body.departure_date, body.flight_number, body.route
        ),
    )


@router.post(
    "/{worker_id}/arrival",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="confirmArrival",
    summary="Confirm the worker arrived (the operator of the accepted placement only)",
)
async def confirm_arrival(
    worker_id: UUID,
    body: ArrivalCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.confirm_arrival(uow, worker_id, body.arrival_date),
    )


@router.post(
    "/{worker_id}/contract-end",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="endContract",
    summary="Record the end of the worker's contract (the placement's operator)",
)
async def end_contract(
    worker_id: UUID,
    body: ContractEndCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.end_contract(uow, worker_id, body.end_date, body.reason),
    )


@router.post(
    "/{worker_id}/return",
    response_model=JourneyPublic,
    responses=_STEP_PROBLEMS,
    operation_id="recordReturn",
    summary="Record the worker's return home, with an optional follow-up (owners)",
)
async def record_return(
    worker_id: UUID,
    body: ReturnCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    follow_up = FollowUp(**body.follow_up.model_dump()) if body.follow_up else None
    return await _step(
        request,
        idempotency_key,
        unit_of_work,
        lambda uow: steps.record_return(uow, worker_id, body.return_date, follow_up),
    )


@router.post(
    "/{worker_id}/welfare-checks",
    status_code=status.HTTP_201_CREATED,
    response_model=WelfareCheckPublic,
    responses=_STEP_PROBLEMS,
    operation_id="recordWelfareCheck",
    summary="Record a welfare check-in with the worker abroad (owners, the placement's operator)",
)
async def record_welfare_check(
    worker_id: UUID,
    body: WelfareCheckCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = steps.RecordWelfareCheck(**body.model_dump())

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        check = await steps.record_welfare_check(uow, worker_id, command)
        return Answer(201, welfare_check_public(check))

    return await run_once(request, idempotency_key, unit_of_work, produce)


# -- grievances and fees (at any stage) -------------------------------------------------------


@router.post(
    "/{worker_id}/grievances",
    status_code=status.HTTP_201_CREATED,
    response_model=GrievancePublic,
    responses=_STEP_PROBLEMS,
    operation_id="raiseGrievance",
    summary="Raise a grievance by or about the worker (owners, the placement's operator)",
    description="Wages, housing, safety, harassment, recruitment fees, documents kept, other."
    " The answer's `needs_referral` says when it should go to the GLAA.",
)
async def raise_grievance(
    worker_id: UUID,
    body: GrievanceCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    command = steps.RaiseGrievance(**body.model_dump())

    async def produce(uow: RegistryUnitOfWork) -> Answer:
        grievance = await steps.raise_grievance(uow, worker_id, command)
        location = f"/v1/workers/{worker_id}/grievances/{grievance.id}"
        return Answer(201, grievance_public(grievance), {"Location": location})

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.post(
    "/{worker_id}/grievances/{grievance_id}/referral",
    response_model=GrievancePublic,
    responses=_STEP_PROBLEMS,
    operation_id="referGrievance",
    summary="Refer an open grievance to the GLAA (owners, the ministry)",
)
async def refer_grievance(
    worker_id: UUID,
    grievance_id: UUID,
    body: ReferralCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        referred = await steps.refer_grievance(uow, worker_id, grievance_id, body.reference)
        return Answer(200, grievance_public(referred))

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.post(
    "/{worker_id}/grievances/{grievance_id}/resolution",
    response_model=GrievancePublic,
    responses=_STEP_PROBLEMS,
    operation_id="resolveGrievance",
    summary="Record a grievance's outcome (owners, the ministry)",
)
async def resolve_grievance(
    worker_id: UUID,
    grievance_id: UUID,
    body: ResolutionCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        resolved = await steps.resolve_grievance(uow, worker_id, grievance_id, body.outcome)
        return Answer(200, grievance_public(resolved))

    return await run_once(request, idempotency_key, unit_of_work, produce)


@router.post(
    "/{worker_id}/recruitment-fees",
    status_code=status.HTTP_201_CREATED,
    response_model=FeeReportPublic,
    responses=_STEP_PROBLEMS,
    operation_id="reportRecruitmentFee",
    summary="Report a recruitment fee charged to the worker (owners)",
    description="Workers must not pay recruitment fees: any amount above 0 is flagged as a"
    " fair-recruitment breach for the ministry and the GLAA. A report of 0 is kept as evidence.",
)
async def report_recruitment_fee(
    worker_id: UUID,
    body: FeeReportCreate,
    request: Request,
    principal: CurrentPrincipal,
    unit_of_work: UnitOfWorkFactory,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def produce(uow: RegistryUnitOfWork) -> Answer:
        report = await steps.report_recruitment_fee(
            uow, worker_id, body.amount, body.currency, body.charged_by
        )
        return Answer(201, fee_public(report))

    return await run_once(request, idempotency_key, unit_of_work, produce)
