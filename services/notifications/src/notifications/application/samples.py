"""One realistic example of each routed event, as the planner stores it for the templates:
used to check every template at start-up and in the tests."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from contracts.base import IntegrationEvent
from contracts.events.abroad import (
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OverstayRiskFlagged,
    RecruitmentFeeReported,
    ReturnFollowUp,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerDeparted,
    WorkerReturned,
)
from contracts.events.placement import (
    Accommodation,
    PlacementAccepted,
    PlacementDeclined,
    PlacementOffered,
)
from contracts.events.registry import (
    OrientationCompleted,
    ScreeningReason,
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

WORKER = UUID("5f0c9a8e-2b1d-4c3e-9f7a-0d6b1e2c3a41")
LMC = UUID("a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
OPERATOR = UUID("6d2f8a10-3c4b-4d5e-8f9a-1b2c3d4e5f60")
PLACEMENT = UUID("0b7e1c52-9d3a-4e8f-b6a1-2c4d6e8f0a13")
CASE = UUID("3e2d1c0b-a987-4654-b321-0fedcba98765")
GRIEVANCE = UUID("9c8b7a65-4321-4fed-8cba-0987654321fe")
AT = "2026-03-02T09:30:00Z"
W = {"worker_id": WORKER, "organisation_id": LMC, "occurred_at": AT}
C = {"case_id": CASE, "worker_id": WORKER, "organisation_id": LMC, "occurred_at": AT}
START, END = date(2026, 4, 6), date(2026, 9, 30)

# fmt: off
EVENTS: tuple[IntegrationEvent, ...] = (
    WorkerRegistered(worker_id=WORKER, organisation_id=LMC, region="Turkistan", sex="female",
                     date_of_birth=date(1998, 4, 12), preferred_language="kk",
                     passport_expiry=date(2031, 6, 30), registered_at=AT),
    WorkerScreened(**W, eligible=True, season_start=START, season_end=END),
    WorkerScreened(**W, eligible=False, season_start=START, season_end=END, reasons=[
        ScreeningReason(code="passport_expires_before_season_end", text="Passport expires."),
        ScreeningReason(code="uk_stay_limit_exceeded", text="Over six months in the UK."),
        ScreeningReason(code="under_age", text="Under 18."),
        ScreeningReason(code="active_placement", text="Placed already.")]),
    OrientationCompleted(**W, session_id=UUID(int=7), session_date=date(2026, 2, 20),
                         language="kk", topics_covered=[
                             "health_and_safety", "living_conditions", "emergency_contacts",
                             "financial_literacy"]),
    PlacementOffered(**W, placement_id=PLACEMENT, operator_id=OPERATOR,
                     farm_name="Hillside Berries", sector="horticulture",
                     uk_region="West Midlands", start_date=START, end_date=END,
                     hourly_wage="12.21", hours_per_week="39.0",
                     accommodation=Accommodation(provided=True, weekly_cost="60.00")),
    PlacementAccepted(**W, placement_id=PLACEMENT, operator_id=OPERATOR, sector="horticulture",
                      start_date=START, end_date=END),
    PlacementDeclined(**W, placement_id=PLACEMENT, operator_id=OPERATOR, reason="Too far."),
    WorkerWithdrawn(**W, stage="matched", reason="Family reasons."),
    VisaCaseOpened(**C, operator_id=OPERATOR, placement_id=PLACEMENT, season=2026,
                   placement_start=START, placement_end=END),
    CertificateOfSponsorshipAssigned(**C, operator_id=OPERATOR, cos_number="COS-2026-0042",
                                     issued_on=date(2026, 2, 1), expires_on=date(2026, 4, 30)),
    VisaApplicationSubmitted(**C, submitted_on=date(2026, 2, 5),
                             application_reference="GWF071234567"),
    VisaBiometricsRecorded(**C, recorded_on=date(2026, 2, 9)),
    VisaGranted(**C, visa_start=date(2026, 4, 1), visa_end=date(2026, 10, 5), processing_days=15),
    VisaRefused(**C, reason_code="insufficient_documents", reason_text="Documents missing.",
                processing_days=12),
    VisaExpiring(**C, visa_end=date(2026, 10, 5), days_before=14),
    VisaCaseClosed(**C, reason="completed"),
    WorkerDeparted(**W, placement_id=PLACEMENT, departure_date=date(2026, 4, 4),
                   flight_number="KC941", route="NQZ-LHR"),
    WorkerArrived(**W, placement_id=PLACEMENT, arrival_date=date(2026, 4, 5),
                  confirmed_by=OPERATOR),
    WelfareCheckRecorded(**W, check_id=UUID(int=9), check_date=date(2026, 5, 5),
                         channel="phone_call", wellbeing_score=4, outcome="well", concerns=False,
                         recorded_by=LMC),
    GrievanceRaised(**W, grievance_id=GRIEVANCE, category="document_retention", severity="high",
                    raised_by="worker", operator_id=OPERATOR),
    GrievanceReferred(**W, grievance_id=GRIEVANCE, category="document_retention",
                      severity="high", reference="GLAA-2026-0193"),
    GrievanceResolved(**W, grievance_id=GRIEVANCE, outcome="upheld_remedied"),
    RecruitmentFeeReported(**W, amount="150000.00", currency="KZT", charged_by=LMC,
                           compliance_breach=True),
    ContractEnded(**W, placement_id=PLACEMENT, end_date=END, reason="completed"),
    WorkerReturned(**W, return_date=date(2026, 10, 2),
                   follow_up=ReturnFollowUp(wishes_to_return=True, earnings="9800.00")),
    OverstayRiskFlagged(**W, reason="visa_expired", visa_end=date(2026, 10, 5), season=2026),
    OverstayRiskFlagged(**W, reason="contract_ended_no_return", contract_end=END, season=2026),
)
# fmt: on


def sample_context(event: IntegrationEvent) -> dict[str, Any]:
    """The context the planner would store for ``event`` with everything known."""
    return {
        "type": event.event_name,
        "event": event.model_dump(mode="json"),
        "event_time": AT,
        "organisation": {"id": str(LMC), "name": "Turkistan Labour Mobility Centre"},
        "operator": {"id": str(OPERATOR), "name": "Fieldwork Labour Ltd"},
        "charged_by": (
            {"id": str(LMC), "name": "Turkistan Labour Mobility Centre"}
            if isinstance(event, RecruitmentFeeReported)
            else {}
        ),
        "placement": {
            "placement_id": str(PLACEMENT),
            "operator_id": str(OPERATOR),
            "farm_name": "Hillside Berries",
            "uk_region": "West Midlands",
            "sector": "horticulture",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
        },
    }
