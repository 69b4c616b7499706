"""The one place where the registry's domain events become contract events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import contracts as contract
from contracts.base import IntegrationEvent
from contracts.events.contact import WorkerContactDetailsChanged
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain import events
from registry.domain.worker import Worker

Mapper = Callable[[Worker, Any], Sequence[IntegrationEvent]]


def _registered(worker: Worker, event: events.WorkerRegistered) -> Sequence[IntegrationEvent]:
    p = worker.profile
    return (
        contract.WorkerRegistered(
            worker_id=worker.id,
            organisation_id=worker.organisation_id,
            region=p.region,
            sex=p.sex.value,
            date_of_birth=p.date_of_birth,
            preferred_language=p.preferred_language.value,
            passport_expiry=p.passport_expiry,
            registered_at=event.occurred_at,
        ),
        _contact(worker, event),
    )


def _contact(worker: Worker, event: events.DomainEvent) -> WorkerContactDetailsChanged:
    p = worker.profile
    return WorkerContactDetailsChanged(
        worker_id=worker.id,
        organisation_id=worker.organisation_id,
        full_name=p.full_name,
        phone=p.phone,
        email=p.email,
        preferred_language=p.preferred_language.value,
        sms_consent=p.phone is not None,
        email_consent=p.email is not None,
        occurred_at=event.occurred_at,
    )


def _profile_updated(
    worker: Worker, event: events.WorkerProfileUpdated
) -> Sequence[IntegrationEvent]:
    p = worker.profile
    published: list[IntegrationEvent] = []
    if event.profile_fields:
        published.append(contract.WorkerProfileUpdated(
            worker_id=worker.id, organisation_id=worker.organisation_id, region=p.region,
            sex=p.sex.value, date_of_birth=p.date_of_birth,
            preferred_language=p.preferred_language.value, passport_expiry=p.passport_expiry,
            changed_fields=list(event.profile_fields), occurred_at=event.occurred_at,
        ))  # fmt: skip
    if event.contact_changed:
        published.append(_contact(worker, event))
    return published


def _screened(worker: Worker, event: events.WorkerScreened) -> Sequence[IntegrationEvent]:
    return (contract.WorkerScreened(
        **_ids(worker), eligible=event.eligible, season_start=event.season_start,
        season_end=event.season_end, occurred_at=event.occurred_at,
        reasons=[contract.ScreeningReason(code=r.code, text=r.text) for r in event.reasons],
    ),)  # fmt: skip


def _offered(worker: Worker, event: events.PlacementOffered) -> Sequence[IntegrationEvent]:
    p = event.placement
    housing = p.accommodation
    return (contract.PlacementOffered(
        **_ids(worker), placement_id=p.id, operator_id=p.operator_id, farm_name=p.farm_name,
        sector=p.sector, uk_region=p.uk_region, start_date=p.start_date, end_date=p.end_date,
        hourly_wage=p.hourly_wage, hours_per_week=p.hours_per_week,
        accommodation=contract.Accommodation(
            provided=housing.provided, weekly_cost=housing.weekly_cost,
            description=housing.description,
        ),
        occurred_at=event.occurred_at,
    ),)  # fmt: skip


def _welfare(worker: Worker, event: events.WelfareCheckRecorded) -> Sequence[IntegrationEvent]:
    c = event.check
    return (contract.WelfareCheckRecorded(
        **_ids(worker), check_id=c.id, check_date=c.check_date, channel=c.channel,
        wellbeing_score=c.wellbeing_score, outcome=c.outcome, concerns=c.concerns,
        recorded_by=c.recorded_by, occurred_at=event.occurred_at,
    ),)  # fmt: skip


def _returned(worker: Worker, event: events.WorkerReturned) -> Sequence[IntegrationEvent]:
    f = event.follow_up
    follow_up = contract.ReturnFollowUp(
        wishes_to_return=f.wishes_to_return, earnings=f.earnings, remittances=f.remittances
    ) if f else None  # fmt: skip
    return (contract.WorkerReturned(
        **_ids(worker), return_date=event.return_date, follow_up=follow_up,
        occurred_at=event.occurred_at,
    ),)  # fmt: skip


def _copy(model: type[IntegrationEvent], *fields: str) -> Mapper:
    """Events whose payload is the worker's ids plus fields named alike in both."""

    def mapper(worker: Worker, event: Any) -> Sequence[IntegrationEvent]:
        values = {name: getattr(event, name) for name in fields}
        return (model(**_ids(worker), **values, occurred_at=event.occurred_at),)

    return mapper


def _nothing(worker: Worker, event: Any) -> Sequence[IntegrationEvent]:
    """Facts the visa service announced already: recorded here, not published again."""
    return ()


_MAPPERS: dict[type[events.DomainEvent], Mapper] = {
    events.WorkerRegistered: _registered,
    events.WorkerProfileUpdated: _profile_updated,
    events.WorkerScreened: _screened,
    events.OrientationCompleted: _copy(
        contract.OrientationCompleted, "session_id", "session_date", "language", "topics_covered"
    ),
    events.PlacementOffered: _offered,
    events.PlacementAccepted: _copy(
        contract.PlacementAccepted,
        "placement_id",
        "operator_id",
        "sector",
        "start_date",
        "end_date",
    ),
    events.PlacementDeclined: _copy(
        contract.PlacementDeclined, "placement_id", "operator_id", "reason"
    ),
    events.VisaApplicationRecorded: _nothing,
    events.VisaGrantRecorded: _nothing,
    events.VisaRefusalRecorded: _nothing,
    events.WorkerDeparted: _copy(
        contract.WorkerDeparted, "placement_id", "departure_date", "flight_number", "route"
    ),
    events.WorkerArrived: _copy(
        contract.WorkerArrived, "placement_id", "arrival_date", "confirmed_by"
    ),
    events.WelfareCheckRecorded: _welfare,
    events.GrievanceRaised: _copy(
        contract.GrievanceRaised,
        "grievance_id",
        "category",
        "severity",
        "raised_by",
        "operator_id",
        "placement_id",
    ),
    events.GrievanceReferred: _copy(
        contract.GrievanceReferred, "grievance_id", "category", "severity", "reference"
    ),
    events.GrievanceResolved: _copy(contract.GrievanceResolved, "grievance_id", "outcome"),
    events.RecruitmentFeeReported: _copy(
        contract.RecruitmentFeeReported, "amount", "currency", "charged_by", "compliance_breach"
    ),
    events.ContractEnded: _copy(contract.ContractEnded, "placement_id", "end_date", "reason"),
    events.WorkerReturned: _returned,
    events.OverstayRiskFlagged: _copy(
        contract.OverstayRiskFlagged, "reason", "visa_end", "contract_end", "season"
    ),
    events.WorkerWithdrawn: _copy(contract.WorkerWithdrawn, "stage", "reason"),
}


def contract_events(worker: Worker, event: events.DomainEvent) -> Sequence[IntegrationEvent]:
    return _MAPPERS[type(event)](worker, event)


def _ids(worker: Worker) -> dict[str, Any]:
    return {"worker_id": worker.id, "organisation_id": worker.organisation_id}


async def publish_events_of_many(uow: RegistryUnitOfWork, workers: Sequence[Worker]) -> None:
    """As publish_events, for many workers in one statement (bulk registration)."""
    published = [
        (contract_event, str(worker.id), str(worker.id), str(worker.organisation_id))
        for worker in workers
        for event in worker.events
        for contract_event in contract_events(worker, event)
    ]
    await uow.publish_many(published)
    for worker in workers:
        worker.events.clear()


async def publish_events(uow: RegistryUnitOfWork, worker: Worker) -> None:
    """Publish (through the outbox) the contract events of the worker's new domain events."""
    await publish_events_of_many(uow, [worker])
