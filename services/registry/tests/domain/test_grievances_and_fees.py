"""Grievances (raise, refer to the GLAA, resolve) and recruitment fee reports."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from domain.worker_builders import OPERATOR, ORGANISATION, at, worker_at

from registry.domain import events
from registry.domain.errors import (
    GrievanceClosed,
    GrievanceNotFound,
    InvalidWorkerData,
    PlacementNotFound,
)
from registry.domain.grievance import GrievanceStatus, Severity
from registry.domain.journey import Stage
from registry.domain.worker import Worker

NOW = at(2026, 6, 2)


def raised(worker: Worker, severity: Severity = "high") -> uuid.UUID:
    grievance_id = uuid.uuid4()
    worker.raise_grievance(
        grievance_id,
        "document_retention",
        severity,
        "worker",
        "The farm manager keeps my passport.",
        NOW,
    )
    return grievance_id


@pytest.mark.parametrize("stage", list(Stage))
def test_a_grievance_can_be_raised_at_any_stage(stage: Stage) -> None:
    worker = worker_at(stage)

    raised(worker)

    assert worker.stage is stage
    assert worker.grievances[-1].status is GrievanceStatus.OPEN
    assert isinstance(worker.events[-1], events.GrievanceRaised)


def test_a_grievance_about_a_placement_names_its_operator() -> None:
    worker = worker_at(Stage.ARRIVED)
    placement = worker.accepted_placement
    assert placement is not None

    grievance = worker.raise_grievance(
        uuid.uuid4(), "wages", "medium", "worker", "Paid below the offer.", NOW,
        placement_id=placement.id,
    )  # fmt: skip

    assert grievance.operator_id == OPERATOR
    event = worker.events[-1]
    assert isinstance(event, events.GrievanceRaised)
    assert (event.operator_id, event.placement_id) == (OPERATOR, placement.id)
    with pytest.raises(PlacementNotFound):
        worker.raise_grievance(
            uuid.uuid4(), "wages", "low", "worker", "x", NOW, placement_id=uuid.uuid4()
        )


@pytest.mark.parametrize(
    ("category", "severity", "raised_by", "description", "field"),
    [
        ("bribery", "low", "worker", "x", "category"),
        ("wages", "extreme", "worker", "x", "severity"),
        ("wages", "low", "farm", "x", "raised_by"),
        ("wages", "low", "worker", " ", "description"),
    ],
)
def test_grievance_data_is_checked(
    category: Any, severity: Any, raised_by: Any, description: str, field: str
) -> None:
    worker = worker_at(Stage.ARRIVED)

    with pytest.raises(InvalidWorkerData) as error:
        worker.raise_grievance(
            uuid.uuid4(),
            category,
            severity,
            raised_by,
            description,
            NOW,
        )

    assert error.value.field == field
    assert worker.grievances == []


def test_the_lifecycle_open_referred_resolved() -> None:
    worker = worker_at(Stage.ARRIVED)
    grievance_id = raised(worker, "critical")
    assert worker.grievances[0].needs_referral

    referred = worker.refer_grievance(grievance_id, "GLAA-2026-0042", NOW)
    resolved = worker.resolve_grievance(grievance_id, "upheld_remedied", NOW)

    assert referred.status is GrievanceStatus.REFERRED
    assert not referred.needs_referral
    assert resolved.status is GrievanceStatus.RESOLVED
    assert resolved.referral_reference == "GLAA-2026-0042"
    kinds = [type(e) for e in worker.events[-3:]]
    assert kinds == [events.GrievanceRaised, events.GrievanceReferred, events.GrievanceResolved]
    referral = worker.events[-2]
    assert isinstance(referral, events.GrievanceReferred)
    assert (referral.category, referral.severity) == ("document_retention", "critical")


def test_any_open_grievance_may_be_referred_but_only_serious_ones_need_it() -> None:
    worker = worker_at(Stage.ARRIVED)
    grievance_id = raised(worker, "low")

    assert not worker.grievances[0].needs_referral
    assert worker.refer_grievance(grievance_id, "GLAA-1", NOW).status is GrievanceStatus.REFERRED


def test_only_an_open_grievance_is_referred() -> None:
    worker = worker_at(Stage.ARRIVED)
    referred_twice, resolved_first = raised(worker), raised(worker)
    worker.refer_grievance(referred_twice, "GLAA-1", NOW)
    worker.resolve_grievance(resolved_first, "not_upheld", NOW)

    with pytest.raises(GrievanceClosed):
        worker.refer_grievance(referred_twice, "GLAA-2", NOW)
    with pytest.raises(GrievanceClosed):
        worker.refer_grievance(resolved_first, "GLAA-3", NOW)
    with pytest.raises(GrievanceClosed):
        worker.resolve_grievance(resolved_first, "withdrawn", NOW)
    with pytest.raises(GrievanceNotFound):
        worker.resolve_grievance(uuid.uuid4(), "withdrawn", NOW)
    with pytest.raises(InvalidWorkerData):
        worker.refer_grievance(raised(worker), "", NOW)


@pytest.mark.parametrize(
    ("amount", "breach"), [(Decimal("0.00"), False), (Decimal("0.01"), True), (Decimal(150), True)]
)
def test_any_fee_above_zero_is_a_compliance_breach(amount: Decimal, breach: bool) -> None:
    worker = worker_at(Stage.SCREENED)

    report = worker.report_recruitment_fee(amount, "KZT", ORGANISATION, NOW)

    assert report.compliance_breach is breach
    event = worker.events[-1]
    assert isinstance(event, events.RecruitmentFeeReported)
    assert (event.amount, event.currency, event.compliance_breach) == (amount, "KZT", breach)
    assert worker.grievances == []  # a report raises no grievance by itself


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        (Decimal(-1), "KZT", "amount"),
        (Decimal("1.001"), "KZT", "amount"),
        (Decimal(10), "kzt", "currency"),
        (Decimal(10), "TENGE", "currency"),
    ],
)
def test_fee_data_is_checked(amount: Decimal, currency: str, field: str) -> None:
    worker = worker_at(Stage.REGISTERED)

    with pytest.raises(InvalidWorkerData) as error:
        worker.report_recruitment_fee(amount, currency, ORGANISATION, NOW)

    assert error.value.field == field
    assert worker.fees == []
