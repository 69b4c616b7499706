"""The one place where the visa service's domain events become contract events.

Every event goes through the outbox with the case id as subject and the worker id as key, so
one worker's events stay in order with the registry's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import contracts as contract
from contracts.base import IntegrationEvent
from visa.application.unit_of_work import VisaUnitOfWork
from visa.domain import events
from visa.domain.case import VisaCase
from visa.domain.errors import DomainError

Mapper = Callable[[VisaCase, Any], IntegrationEvent]
T = TypeVar("T")


def _opened(case: VisaCase, event: events.CaseOpened) -> IntegrationEvent:
    return contract.VisaCaseOpened(
        **_ids(case), operator_id=case.operator_id, placement_id=case.placement_id,
        season=case.season, placement_start=case.placement_start,
        placement_end=case.placement_end, attempt=event.attempt, occurred_at=event.occurred_at,
    )  # fmt: skip


def _sponsored(case: VisaCase, event: events.SponsorshipAssigned) -> IntegrationEvent:
    cos = _required(case.sponsorship)
    return contract.CertificateOfSponsorshipAssigned(
        **_ids(case), operator_id=case.operator_id, cos_number=cos.cos_number,
        issued_on=cos.issued_on, expires_on=cos.expires_on, occurred_at=event.occurred_at,
    )  # fmt: skip


def _submitted(case: VisaCase, event: events.ApplicationSubmitted) -> IntegrationEvent:
    application = _required(case.application)
    return contract.VisaApplicationSubmitted(
        **_ids(case), submitted_on=application.submitted_on,
        application_reference=application.reference, attempt=case.attempt,
        application_fee=application.fee, fee_currency=application.fee_currency,
        occurred_at=event.occurred_at,
    )  # fmt: skip


def _biometrics(case: VisaCase, event: events.BiometricsRecorded) -> IntegrationEvent:
    return contract.VisaBiometricsRecorded(
        **_ids(case), recorded_on=_required(case.biometrics_on), occurred_at=event.occurred_at
    )


def _granted(case: VisaCase, event: events.VisaGranted) -> IntegrationEvent:
    decision = _required(case.decision)
    return contract.VisaGranted(
        **_ids(case), visa_start=_required(decision.visa_start),
        visa_end=_required(decision.visa_end), processing_days=decision.processing_days,
        decided_on=decision.decided_on, attempt=case.attempt, occurred_at=event.occurred_at,
    )  # fmt: skip


def _refused(case: VisaCase, event: events.VisaRefused) -> IntegrationEvent:
    decision = _required(case.decision)
    return contract.VisaRefused(
        **_ids(case), reason_code=_required(decision.refusal_code),
        reason_text=_required(decision.refusal_text), processing_days=decision.processing_days,
        decided_on=decision.decided_on, attempt=case.attempt, occurred_at=event.occurred_at,
    )  # fmt: skip


def _expiring(case: VisaCase, event: events.VisaExpiring) -> IntegrationEvent:
    visa = _required(case.granted_visa)
    return contract.VisaExpiring(
        **_ids(case), visa_end=visa.end, days_before=event.days_before,
        occurred_at=event.occurred_at,
    )  # fmt: skip


def _closed(case: VisaCase, event: events.CaseClosed) -> IntegrationEvent:
    return contract.VisaCaseClosed(**_ids(case), reason=event.reason, occurred_at=event.occurred_at)


_MAPPERS: dict[type[events.CaseEvent], Mapper] = {
    events.CaseOpened: _opened,
    events.SponsorshipAssigned: _sponsored,
    events.ApplicationSubmitted: _submitted,
    events.BiometricsRecorded: _biometrics,
    events.VisaGranted: _granted,
    events.VisaRefused: _refused,
    events.VisaExpiring: _expiring,
    events.CaseClosed: _closed,
}


def contract_event(case: VisaCase, event: events.CaseEvent) -> IntegrationEvent:
    return _MAPPERS[type(event)](case, event)


async def publish_events(uow: VisaUnitOfWork, case: VisaCase) -> None:
    """Publish (through the outbox) the contract events of the case's new domain events."""
    for event in case.events:
        await uow.publish(
            contract_event(case, event),
            subject=str(case.id),
            key=str(case.worker_id),
            organisation_id=str(case.organisation_id),
        )
    case.events.clear()


def _ids(case: VisaCase) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "worker_id": case.worker_id,
        "organisation_id": case.organisation_id,
    }


def _required(value: T | None) -> T:
    if value is None:  # the case's status makes this unreachable
        raise DomainError("the case lacks a step its event reports")
    return value
