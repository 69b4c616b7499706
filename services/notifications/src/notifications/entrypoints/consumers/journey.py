"""Subscriptions: every journey and visa event the routing table names (and the ones that
only teach the service about organisations, placements and languages) is remembered, then
turned into deliveries, in the transaction that records it in the inbox."""

from __future__ import annotations

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent
from contracts.events.abroad import (
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OverstayRiskFlagged,
    RecruitmentFeeReported,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerDeparted,
    WorkerReturned,
)
from contracts.events.organisation import OrganisationRegistered, OrganisationUpdated
from contracts.events.placement import PlacementAccepted, PlacementDeclined, PlacementOffered
from contracts.events.registry import (
    OrientationCompleted,
    WorkerProfileUpdated,
    WorkerRegistered,
    WorkerScreened,
    WorkerWithdrawn,
)
from contracts.events.visa import (
    CertificateOfSponsorshipAssigned,
    VisaApplicationSubmitted,
    VisaBiometricsRecorded,
    VisaCaseClosed,
    VisaCaseOpened,
    VisaExpiring,
    VisaGranted,
    VisaRefused,
)
from notifications.application.journey_state import remember
from notifications.application.planning import Planner
from notifications.application.unit_of_work import NotificationsUnitOfWork
from servicekit.messaging import EventRouter

SUBSCRIBED: tuple[type[IntegrationEvent], ...] = (
    OrganisationRegistered, OrganisationUpdated,
    WorkerRegistered, WorkerProfileUpdated, WorkerScreened, OrientationCompleted,
    PlacementOffered, PlacementAccepted, PlacementDeclined, WorkerWithdrawn,
    VisaCaseOpened, CertificateOfSponsorshipAssigned, VisaApplicationSubmitted,
    VisaBiometricsRecorded, VisaGranted, VisaRefused, VisaExpiring, VisaCaseClosed,
    WorkerDeparted, WorkerArrived, WelfareCheckRecorded, GrievanceRaised, GrievanceReferred,
    GrievanceResolved, RecruitmentFeeReported, ContractEnded, WorkerReturned,
    OverstayRiskFlagged,
)  # fmt: skip


def journey_router(planner: Planner) -> EventRouter[NotificationsUnitOfWork]:
    async def handle(
        uow: NotificationsUnitOfWork, event: IntegrationEvent, envelope: CloudEvent
    ) -> None:
        await remember(uow, event)
        await planner.plan(uow, event, envelope)

    router: EventRouter[NotificationsUnitOfWork] = EventRouter()
    for model in SUBSCRIBED:
        router.add(model, handle)
    return router
