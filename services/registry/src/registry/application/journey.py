"""Journey commands: each loads the worker under its row lock, checks the caller may take the
step (permissions.py), applies the domain's rule, saves, audits and publishes; the unit of work
commits. The domain decides what the stage allows, so a step out of order raises
IllegalTransition naming the steps allowed instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from registry.application.integration import publish_events
from registry.application.orientation import take_seat
from registry.application.permissions import (
    Step,
    check_visible,
    check_worker_step,
    require_actor,
    sees_everything_of,
)
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import (
    InvalidWorkerData,
    NotPermitted,
    PlacementNotFound,
    WorkerNotFound,
)
from registry.domain.fees import FeeReport
from registry.domain.grievance import (
    Grievance,
    GrievanceCategory,
    GrievanceOutcome,
    RaisedBy,
    Severity,
)
from registry.domain.journey import Action, next_stage
from registry.domain.organisation import OrganisationKind
from registry.domain.placement import Accommodation, Placement, Sector
from registry.domain.screening import Screening
from registry.domain.travel import ContractEndReason, FollowUp
from registry.domain.welfare import WelfareChannel, WelfareCheck, WelfareOutcome
from registry.domain.worker import Worker
from servicekit.access import Principal

# -- commands with more than a couple of fields -----------------------------------------------


@dataclass(frozen=True)
class OfferPlacement:
    operator_id: UUID
    farm_name: str
    sector: Sector
    uk_region: str
    start_date: date
    end_date: date
    hourly_wage: Decimal
    hours_per_week: Decimal
    accommodation: Accommodation


@dataclass(frozen=True)
class RecordWelfareCheck:
    check_date: date
    channel: WelfareChannel
    wellbeing_score: int
    outcome: WelfareOutcome
    concerns: bool


@dataclass(frozen=True)
class RaiseGrievance:
    category: GrievanceCategory
    severity: Severity
    raised_by: RaisedBy
    description: str
    placement_id: UUID | None = None


# -- loading, checking and recording ------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """A worker loaded for a step, with who takes it and why they may see the worker."""

    worker: Worker
    actor: Principal
    relations: frozenset[str]

    def view(self) -> Worker:
        return journey_view(self.actor, self.relations, self.worker)


async def load_for(uow: RegistryUnitOfWork, worker_id: UUID, step: Step) -> Acting:
    """The worker, locked until the transaction ends, if the caller may take ``step`` on it:
    WorkerNotFound when it may not see the worker, NotPermitted when it may only look."""
    actor = require_actor(uow.actor)
    worker = await uow.workers.get(worker_id, for_update=True)
    if worker is None:
        raise WorkerNotFound(worker_id)
    relations = await uow.workers.relations_of(worker_id, actor.organisation_id)
    check_worker_step(actor, worker, relations, step)
    organisation = await uow.organisations.get(actor.organisation_id)
    if organisation is None or not organisation.active:
        raise NotPermitted("the organisation is inactive")
    return Acting(worker, actor, relations)


async def record(
    uow: RegistryUnitOfWork, worker: Worker, action: str, before: Any, after: Any
) -> None:
    """Save the worker, audit the change as ``worker.<action>`` and publish its events."""
    await uow.workers.save(worker)
    await uow.audit(f"worker.{action}", "worker", worker.id, before=before, after=after)
    await publish_events(uow, worker)


def _now() -> datetime:
    return datetime.now(UTC)


def _stage(worker: Worker, **item: Any) -> dict[str, Any]:
    """The audit snapshot: the stage, and the item the step changed."""
    return {"stage": worker.stage.value, **item}


# -- reading ------------------------------------------------------------------------------------


async def journey_of(uow: RegistryUnitOfWork, worker_id: UUID) -> Worker:
    """The worker's journey as the caller may see it (WorkerNotFound when it may not)."""
    actor = require_actor(uow.actor)
    worker = await uow.workers.get(worker_id)
    if worker is None:
        raise WorkerNotFound(worker_id)
    relations = await uow.workers.relations_of(worker_id, actor.organisation_id)
    check_visible(actor, worker_id, relations)
    return journey_view(actor, relations, worker)


def journey_view(actor: Principal, relations: Collection[str], worker: Worker) -> Worker:
    """A copy of the worker with only what the caller may read (see sees_everything_of)."""
    if sees_everything_of(actor, relations):
        return worker
    own = {p.id for p in worker.placements if p.operator_id == actor.organisation_id}
    return replace(
        worker,
        screenings=[],
        placements=[p for p in worker.placements if p.id in own],
        trips=[t for t in worker.trips if t.placement_id in own],
        welfare_checks=[c for c in worker.welfare_checks if c.recorded_by == actor.organisation_id],
        grievances=[],
        fees=[],
        withdrawals=[],
        events=[],
    )


# -- before the visa --------------------------------------------------------------------------


async def screen(
    uow: RegistryUnitOfWork, worker_id: UUID, season_start: date, season_end: date
) -> tuple[Acting, Screening]:
    acting = await load_for(uow, worker_id, Step.SCREEN)
    worker = acting.worker
    before = _stage(worker, season=worker.season)
    screening = worker.screen(season_start, season_end, _now())
    after = _stage(worker, season=worker.season, eligible=screening.eligible,
                   reasons=[r.code for r in screening.reasons])  # fmt: skip
    await record(uow, worker, "screened", before, after)
    return acting, screening


async def complete_orientation(
    uow: RegistryUnitOfWork, worker_id: UUID, session_id: UUID, attended_on: date
) -> Acting:
    """Record the worker's attendance of a session; it takes one of the session's seats."""
    acting = await load_for(uow, worker_id, Step.COMPLETE_ORIENTATION)
    worker = acting.worker
    next_stage(worker.stage, Action.COMPLETE_ORIENTATION)  # the stage first, as the domain does
    now = _now()
    if attended_on > now.date():
        raise InvalidWorkerData("attended_on is in the future", field="attended_on")
    scheduled = await take_seat(uow, session_id, worker.id)
    before = _stage(worker)
    try:
        worker.complete_orientation(scheduled.session, attended_on, now)
    except InvalidWorkerData as error:
        if error.field != "topics_covered":
            raise
        # The session is what the caller chose: name the field they sent.
        raise InvalidWorkerData(str(error), field="session_id") from error
    await record(uow, worker, "orientation_completed", before,
                 _stage(worker, session_id=session_id, attended_on=attended_on))  # fmt: skip
    return acting


async def offer_placement(
    uow: RegistryUnitOfWork, worker_id: UUID, command: OfferPlacement
) -> tuple[Acting, Placement]:
    """Record an operator's offer; the operator sees the worker from now on."""
    acting = await load_for(uow, worker_id, Step.OFFER_PLACEMENT)
    worker = acting.worker
    next_stage(worker.stage, Action.OFFER_PLACEMENT)
    await _check_operator(uow, command.operator_id)
    before = _stage(worker)
    offer = worker.offer_placement(
        Placement(
            id=uuid.uuid4(),
            operator_id=command.operator_id,
            farm_name=command.farm_name,
            sector=command.sector,
            uk_region=command.uk_region,
            start_date=command.start_date,
            end_date=command.end_date,
            hourly_wage=command.hourly_wage,
            hours_per_week=command.hours_per_week,
            accommodation=command.accommodation,
        ),
        _now(),
    )
    await uow.workers.grant_access(worker.id, command.operator_id, "operator")
    after = _stage(worker, placement_id=offer.id, operator_id=offer.operator_id)
    await record(uow, worker, "placement_offered", before, after)
    return acting, offer


async def _check_operator(uow: RegistryUnitOfWork, operator_id: UUID) -> None:
    operator = await uow.organisations.get(operator_id)
    if operator is None or operator.kind is not OrganisationKind.OPERATOR or not operator.active:
        raise InvalidWorkerData(
            f"{operator_id} is not an active UK scheme operator", field="operator_id"
        )


async def accept_placement(uow: RegistryUnitOfWork, worker_id: UUID, placement_id: UUID) -> Acting:
    acting = await load_for(uow, worker_id, Step.ANSWER_OFFER)
    worker = acting.worker
    before = _stage(worker, placement_id=placement_id, placement_status="offered")
    accepted = worker.accept_placement(placement_id, _now())
    after = _stage(worker, placement_id=placement_id, placement_status=accepted.status.value)
    await record(uow, worker, "placement_accepted", before, after)
    return acting


async def decline_placement(
    uow: RegistryUnitOfWork, worker_id: UUID, placement_id: UUID, reason: str
) -> Acting:
    acting = await load_for(uow, worker_id, Step.ANSWER_OFFER)
    worker = acting.worker
    before = _stage(worker, placement_id=placement_id, placement_status="offered")
    worker.decline_placement(placement_id, reason, _now())
    after = _stage(worker, placement_id=placement_id, placement_status="declined")
    await record(uow, worker, "placement_declined", before, after)
    return acting


async def withdraw(uow: RegistryUnitOfWork, worker_id: UUID, reason: str) -> Acting:
    acting = await load_for(uow, worker_id, Step.WITHDRAW)
    worker = acting.worker
    before = _stage(worker)
    worker.withdraw(reason, _now())
    await record(uow, worker, "withdrawn", before, _stage(worker, reason=reason))
    return acting


# -- travel and return ------------------------------------------------------------------------


async def record_departure(
    uow: RegistryUnitOfWork,
    worker_id: UUID,
    departure_date: date,
    flight_number: str | None,
    route: str | None,
) -> Acting:
    acting = await load_for(uow, worker_id, Step.RECORD_DEPARTURE)
    worker = acting.worker
    before = _stage(worker)
    worker.depart(departure_date, flight_number, route, _now())
    await record(uow, worker, "departed", before, _stage(worker, departure_date=departure_date))
    return acting


async def confirm_arrival(uow: RegistryUnitOfWork, worker_id: UUID, arrival_date: date) -> Acting:
    """The operator of the accepted placement confirms the worker arrived (the domain checks)."""
    acting = await load_for(uow, worker_id, Step.CONFIRM_ARRIVAL)
    worker = acting.worker
    before = _stage(worker)
    worker.confirm_arrival(arrival_date, acting.actor.organisation_id, _now())
    await record(uow, worker, "arrived", before, _stage(worker, arrival_date=arrival_date))
    return acting


async def end_contract(
    uow: RegistryUnitOfWork, worker_id: UUID, end_date: date, reason: ContractEndReason
) -> Acting:
    acting = await load_for(uow, worker_id, Step.END_CONTRACT)
    worker = acting.worker
    before = _stage(worker)
    worker.end_contract(end_date, reason, _now())
    await record(uow, worker, "contract_ended", before,
                 _stage(worker, end_date=end_date, reason=reason))  # fmt: skip
    return acting


async def record_return(
    uow: RegistryUnitOfWork, worker_id: UUID, return_date: date, follow_up: FollowUp | None
) -> Acting:
    acting = await load_for(uow, worker_id, Step.RECORD_RETURN)
    worker = acting.worker
    before = _stage(worker)
    worker.record_return(return_date, follow_up, _now())
    after = _stage(worker, return_date=return_date, follow_up=follow_up is not None)
    await record(uow, worker, "returned", before, after)
    return acting


async def record_welfare_check(
    uow: RegistryUnitOfWork, worker_id: UUID, command: RecordWelfareCheck
) -> WelfareCheck:
    acting = await load_for(uow, worker_id, Step.RECORD_WELFARE_CHECK)
    worker = acting.worker
    check = WelfareCheck(
        id=uuid.uuid4(),
        check_date=command.check_date,
        channel=command.channel,
        wellbeing_score=command.wellbeing_score,
        outcome=command.outcome,
        concerns=command.concerns,
        recorded_by=acting.actor.organisation_id,
    )
    before = _stage(worker)
    worker.record_welfare_check(check, _now())
    after = _stage(worker, check_id=check.id, outcome=check.outcome, concerns=check.concerns)
    await record(uow, worker, "welfare_check_recorded", before, after)
    return check


# -- grievances and fees (allowed at every stage) ----------------------------------------------


async def raise_grievance(
    uow: RegistryUnitOfWork, worker_id: UUID, command: RaiseGrievance
) -> Grievance:
    acting = await load_for(uow, worker_id, Step.RAISE_GRIEVANCE)
    worker = acting.worker
    _check_named_placement(acting, command.placement_id)
    try:
        grievance = worker.raise_grievance(
            uuid.uuid4(),
            command.category,
            command.severity,
            command.raised_by,
            command.description,
            _now(),
            placement_id=command.placement_id,
        )
    except PlacementNotFound as error:  # a body field naming nothing: the request is wrong
        raise InvalidWorkerData(str(error), field="placement_id") from error
    after = _stage(worker, grievance_id=grievance.id, category=grievance.category,
                   severity=grievance.severity, status=grievance.status.value)  # fmt: skip
    await record(uow, worker, "grievance_raised", None, after)
    return grievance


def _check_named_placement(acting: Acting, placement_id: UUID | None) -> None:
    """An operator raises grievances about its own placement only."""
    if placement_id is None or sees_everything_of(acting.actor, acting.relations):
        return
    named = next((p for p in acting.worker.placements if p.id == placement_id), None)
    if named is None or named.operator_id != acting.actor.organisation_id:
        raise InvalidWorkerData(
            "an operator names one of its own placements, or none", field="placement_id"
        )


async def refer_grievance(
    uow: RegistryUnitOfWork, worker_id: UUID, grievance_id: UUID, reference: str
) -> Grievance:
    """Refer an open grievance to the GLAA under the GLAA's reference."""
    acting = await load_for(uow, worker_id, Step.REFER_GRIEVANCE)
    worker = acting.worker
    referred = worker.refer_grievance(grievance_id, reference, _now())
    await record(uow, worker, "grievance_referred",
                 _stage(worker, grievance_id=grievance_id, status="open"),
                 _stage(worker, grievance_id=grievance_id, status=referred.status.value,
                        reference=reference))  # fmt: skip
    return referred


async def resolve_grievance(
    uow: RegistryUnitOfWork, worker_id: UUID, grievance_id: UUID, outcome: GrievanceOutcome
) -> Grievance:
    acting = await load_for(uow, worker_id, Step.RESOLVE_GRIEVANCE)
    worker = acting.worker
    current = next((g for g in worker.grievances if g.id == grievance_id), None)
    before = _stage(worker, grievance_id=grievance_id,
                    status=current.status.value if current else None)  # fmt: skip
    resolved = worker.resolve_grievance(grievance_id, outcome, _now())
    after = _stage(worker, grievance_id=grievance_id, status=resolved.status.value, outcome=outcome)
    await record(uow, worker, "grievance_resolved", before, after)
    return resolved


async def report_recruitment_fee(
    uow: RegistryUnitOfWork, worker_id: UUID, amount: Decimal, currency: str, charged_by: UUID
) -> FeeReport:
    """Record a fee charged to the worker by a registered organisation; above 0 it is a breach."""
    acting = await load_for(uow, worker_id, Step.REPORT_FEE)
    worker = acting.worker
    if await uow.organisations.get(charged_by) is None:
        raise InvalidWorkerData(f"no organisation {charged_by}", field="charged_by")
    report = worker.report_recruitment_fee(amount, currency, charged_by, _now())
    after = _stage(worker, amount=str(amount), currency=currency, charged_by=charged_by,
                   compliance_breach=report.compliance_breach)  # fmt: skip
    await record(uow, worker, "recruitment_fee_reported", None, after)
    return report
