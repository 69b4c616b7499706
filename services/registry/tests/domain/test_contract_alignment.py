"""The domain's codes are the contracts' codes, and each published domain event carries what its
contract event needs (beyond the worker's id, organisation and the time)."""

from __future__ import annotations

import dataclasses
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from contracts.events import abroad, common, placement, registry
from registry.domain import events
from registry.domain.grievance import GrievanceCategory, GrievanceOutcome, RaisedBy, Severity
from registry.domain.journey import Stage, WithdrawalStage
from registry.domain.orientation import OrientationTopic
from registry.domain.overstay import OverstayReason
from registry.domain.placement import Placement, Sector
from registry.domain.profile import Language
from registry.domain.screening import ScreeningReasonCode
from registry.domain.travel import ContractEndReason
from registry.domain.welfare import WelfareChannel, WelfareCheck, WelfareOutcome


def field_codes(model: type[BaseModel], name: str) -> tuple[Any, ...]:
    return get_args(model.model_fields[name].annotation)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (get_args(WithdrawalStage), get_args(common.PreDepartureStage)),
        (get_args(ScreeningReasonCode), get_args(registry.ScreeningReasonCode)),
        (get_args(OrientationTopic), get_args(registry.OrientationTopic)),
        (get_args(Sector), get_args(common.Sector)),
        (tuple(lang.value for lang in Language), get_args(common.Language)),
        (get_args(GrievanceCategory), get_args(abroad.GrievanceCategory)),
        (get_args(Severity), get_args(abroad.Severity)),
        (get_args(RaisedBy), field_codes(abroad.GrievanceRaised, "raised_by")),
        (get_args(GrievanceOutcome), field_codes(abroad.GrievanceResolved, "outcome")),
        (get_args(ContractEndReason), field_codes(abroad.ContractEnded, "reason")),
        (get_args(WelfareChannel), field_codes(abroad.WelfareCheckRecorded, "channel")),
        (get_args(WelfareOutcome), field_codes(abroad.WelfareCheckRecorded, "outcome")),
        (get_args(OverstayReason), field_codes(abroad.OverstayRiskFlagged, "reason")),
    ],
)
def test_codes_match(ours: tuple[Any, ...], theirs: tuple[Any, ...]) -> None:
    assert set(ours) == set(theirs)


def test_every_pre_departure_stage_is_a_stage() -> None:
    assert set(get_args(common.PreDepartureStage)) <= {stage.value for stage in Stage}


PUBLISHED: list[tuple[type[events.DomainEvent], type[BaseModel]]] = [
    (events.WorkerScreened, registry.WorkerScreened),
    (events.OrientationCompleted, registry.OrientationCompleted),
    (events.WorkerWithdrawn, registry.WorkerWithdrawn),
    (events.PlacementOffered, placement.PlacementOffered),
    (events.PlacementAccepted, placement.PlacementAccepted),
    (events.PlacementDeclined, placement.PlacementDeclined),
    (events.WorkerDeparted, abroad.WorkerDeparted),
    (events.WorkerArrived, abroad.WorkerArrived),
    (events.WelfareCheckRecorded, abroad.WelfareCheckRecorded),
    (events.GrievanceRaised, abroad.GrievanceRaised),
    (events.GrievanceReferred, abroad.GrievanceReferred),
    (events.GrievanceResolved, abroad.GrievanceResolved),
    (events.RecruitmentFeeReported, abroad.RecruitmentFeeReported),
    (events.ContractEnded, abroad.ContractEnded),
    (events.WorkerReturned, abroad.WorkerReturned),
    (events.OverstayRiskFlagged, abroad.OverstayRiskFlagged),
]
FROM_THE_WORKER = {"worker_id", "organisation_id", "occurred_at"}
CONSTANTS = {"wage_currency", "referred_to"}  # contract fields with a single possible value
# Events carrying a whole child: its fields are available, its ``id`` under the contract's name.
CARRIED: dict[type[events.DomainEvent], tuple[type[Any], str]] = {
    events.PlacementOffered: (Placement, "placement_id"),
    events.WelfareCheckRecorded: (WelfareCheck, "check_id"),
}


def available(event_type: type[events.DomainEvent]) -> set[str]:
    names = {f.name for f in dataclasses.fields(event_type)}
    if event_type in CARRIED:
        child, id_name = CARRIED[event_type]
        names |= {f.name for f in dataclasses.fields(child)} | {id_name}
    return names


@pytest.mark.parametrize(("ours", "theirs"), PUBLISHED)
def test_a_domain_event_carries_its_contract_fields(
    ours: type[events.DomainEvent], theirs: type[BaseModel]
) -> None:
    needed = set(theirs.model_fields) - FROM_THE_WORKER - CONSTANTS

    assert needed <= available(ours)
