"""A worker's journey as the registry and the visa service would publish it, event by event,
with each topic's versions counted as their outboxes would."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
from contracts.events.contact import WorkerContactDetailsChanged
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
from contracts.topics import VISA_CASE_TOPIC
from notifications.testing.events import record_of
from servicekit.messaging import ReceivedRecord


@dataclass
class Journey:
    """One worker of ``organisation``, placed with ``operator`` for the season ``year``."""

    language: str
    organisation: uuid.UUID
    operator: uuid.UUID
    phone: str | None
    email: str | None
    year: int = 2031
    worker: uuid.UUID = field(default_factory=uuid.uuid4)
    versions: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def placement(self) -> uuid.UUID:
        return uuid.uuid5(self.worker, "placement")

    @property
    def case(self) -> uuid.UUID:
        return uuid.uuid5(self.worker, "visa case")

    @property
    def grievance(self) -> uuid.UUID:
        return uuid.uuid5(self.worker, "grievance")

    def day(self, month: int, day: int) -> date:
        return date(self.year, month, day)

    def at(self, month: int, day: int, hour: int = 9) -> str:
        return f"{self.year}-{month:02d}-{day:02d}T{hour:02d}:00:00Z"

    def record(self, event: IntegrationEvent, event_id: str | None = None) -> ReceivedRecord:
        """The record of ``event``, with the next version of its stream (a given
        ``event_id`` redelivers an event: the same id and version again)."""
        on_visa_topic = event.topic == VISA_CASE_TOPIC.name
        subject = str(self.case if on_visa_topic else self.worker)
        stream = (event.topic, subject)
        if event_id is None:
            self.versions[stream] += 1
        source = "/sws/visa" if on_visa_topic else "/sws/registry"
        return record_of(
            event,
            subject=subject,
            key=str(self.worker),
            version=self.versions[stream],
            source=source,
            event_id=event_id,
        )

    # -- the events ---------------------------------------------------------------------------

    def _worker(self, month: int, day: int) -> dict[str, Any]:
        return {
            "worker_id": self.worker,
            "organisation_id": self.organisation,
            "occurred_at": self.at(month, day),
        }

    def _case(self, month: int, day: int) -> dict[str, Any]:
        return {"case_id": self.case, **self._worker(month, day)}

    def contact(self, *, sms: bool = True, email: bool = True, name: str = "") -> IntegrationEvent:
        return WorkerContactDetailsChanged(
            worker_id=self.worker,
            organisation_id=self.organisation,
            full_name=name
            or {"kk": "Айгерім Сапарова", "ru": "Дина Ким", "en": "Aliya Example"}[self.language],
            phone=self.phone,
            email=self.email,
            preferred_language=self.language,
            sms_consent=sms,
            email_consent=email,
            occurred_at=self.at(1, 10),
        )

    def registered(self) -> IntegrationEvent:
        return WorkerRegistered(
            worker_id=self.worker,
            organisation_id=self.organisation,
            region="Turkistan",
            sex="female",
            date_of_birth=date(1998, 4, 12),
            preferred_language=self.language,
            passport_expiry=date(self.year + 5, 6, 30),
            registered_at=self.at(1, 10),
        )

    def screened(self, eligible: bool = True) -> IntegrationEvent:
        reasons = (
            []
            if eligible
            else [
                ScreeningReason(
                    code="passport_expires_before_season_end", text="Passport expires too soon."
                )
            ]
        )
        return WorkerScreened(
            **self._worker(1, 12),
            eligible=eligible,
            reasons=reasons,
            season_start=self.day(4, 7),
            season_end=self.day(9, 30),
        )

    def oriented(self) -> IntegrationEvent:
        return OrientationCompleted(
            **self._worker(2, 3),
            session_id=uuid.uuid5(self.worker, "session"),
            session_date=self.day(2, 3),
            language=self.language,
            topics_covered=["health_and_safety", "emergency_contacts"],
        )

    def offered(self) -> IntegrationEvent:
        return PlacementOffered(
            **self._worker(2, 10),
            placement_id=self.placement,
            operator_id=self.operator,
            farm_name="Hillside Berries",
            sector="horticulture",
            uk_region="West Midlands",
            start_date=self.day(4, 7),
            end_date=self.day(9, 30),
            hourly_wage="12.21",
            hours_per_week="39.0",
            accommodation=Accommodation(provided=True, weekly_cost="60.00"),
        )

    def accepted(self) -> IntegrationEvent:
        return PlacementAccepted(
            **self._worker(2, 12),
            placement_id=self.placement,
            operator_id=self.operator,
            sector="horticulture",
            start_date=self.day(4, 7),
            end_date=self.day(9, 30),
        )

    def declined(self) -> IntegrationEvent:
        return PlacementDeclined(
            **self._worker(2, 12),
            placement_id=self.placement,
            operator_id=self.operator,
            reason="Too far from home.",
        )

    def withdrawn(self) -> IntegrationEvent:
        return WorkerWithdrawn(
            **self._worker(3, 1), stage="visa_refused", reason="Decided not to go this year."
        )

    def case_opened(self) -> IntegrationEvent:
        return VisaCaseOpened(
            **self._case(2, 12),
            operator_id=self.operator,
            placement_id=self.placement,
            season=self.year,
            placement_start=self.day(4, 7),
            placement_end=self.day(9, 30),
        )

    def cos_assigned(self) -> IntegrationEvent:
        return CertificateOfSponsorshipAssigned(
            **self._case(2, 14),
            operator_id=self.operator,
            cos_number=f"COS-{self.year}-0042",
            issued_on=self.day(2, 14),
            expires_on=self.day(5, 14),
        )

    def visa_applied(self) -> IntegrationEvent:
        return VisaApplicationSubmitted(
            **self._case(2, 16), submitted_on=self.day(2, 16), application_reference="GWF071234567"
        )

    def biometrics(self) -> IntegrationEvent:
        return VisaBiometricsRecorded(**self._case(2, 20), recorded_on=self.day(2, 20))

    def granted(self) -> IntegrationEvent:
        return VisaGranted(
            **self._case(3, 3),
            visa_start=self.day(4, 1),
            visa_end=self.day(10, 5),
            processing_days=15,
        )

    def refused(self) -> IntegrationEvent:
        return VisaRefused(
            **self._case(2, 27),
            reason_code="insufficient_documents",
            reason_text="Bank statements were missing.",
            processing_days=11,
        )

    def departed(self) -> IntegrationEvent:
        return WorkerDeparted(
            **self._worker(4, 5),
            placement_id=self.placement,
            departure_date=self.day(4, 5),
            flight_number="KC941",
            route="NQZ-LHR",
        )

    def arrived(self) -> IntegrationEvent:
        return WorkerArrived(
            **self._worker(4, 6),
            placement_id=self.placement,
            arrival_date=self.day(4, 6),
            confirmed_by=self.operator,
        )

    def welfare_checked(self) -> IntegrationEvent:
        return WelfareCheckRecorded(
            **self._worker(5, 6),
            check_id=uuid.uuid5(self.worker, "check"),
            check_date=self.day(5, 6),
            channel="phone_call",
            wellbeing_score=4,
            outcome="well",
            concerns=False,
            recorded_by=self.organisation,
        )

    def grievance_raised(self) -> IntegrationEvent:
        return GrievanceRaised(
            **self._worker(6, 2),
            grievance_id=self.grievance,
            category="document_retention",
            severity="high",
            raised_by="worker",
            operator_id=self.operator,
        )

    def grievance_referred(self) -> IntegrationEvent:
        return GrievanceReferred(
            **self._worker(6, 4),
            grievance_id=self.grievance,
            category="document_retention",
            severity="high",
            reference="GLAA-2031-0193",
        )

    def grievance_resolved(self) -> IntegrationEvent:
        return GrievanceResolved(
            **self._worker(7, 1), grievance_id=self.grievance, outcome="upheld_remedied"
        )

    def fee_reported(self) -> IntegrationEvent:
        return RecruitmentFeeReported(
            **self._worker(7, 3),
            amount="150000.00",
            currency="KZT",
            charged_by=self.organisation,
            compliance_breach=True,
        )

    def visa_expiring(self) -> IntegrationEvent:
        return VisaExpiring(**self._case(9, 21), visa_end=self.day(10, 5), days_before=14)

    def contract_ended(self) -> IntegrationEvent:
        return ContractEnded(
            **self._worker(9, 30),
            placement_id=self.placement,
            end_date=self.day(9, 30),
            reason="completed",
        )

    def overstay_flagged(self) -> IntegrationEvent:
        return OverstayRiskFlagged(
            **self._worker(10, 14),
            reason="contract_ended_no_return",
            contract_end=self.day(9, 30),
            season=self.year,
        )

    def returned(self) -> IntegrationEvent:
        return WorkerReturned(
            **self._worker(10, 16),
            return_date=self.day(10, 16),
            follow_up=ReturnFollowUp(wishes_to_return=True, earnings="9800.00"),
        )

    def case_closed(self) -> IntegrationEvent:
        return VisaCaseClosed(**self._case(10, 20), reason="completed")

    def whole_season(self) -> list[IntegrationEvent]:
        """From registration to return, every step, in order."""
        return [
            self.registered(),
            self.screened(),
            self.oriented(),
            self.offered(),
            self.accepted(),
            self.case_opened(),
            self.cos_assigned(),
            self.visa_applied(),
            self.biometrics(),
            self.granted(),
            self.departed(),
            self.arrived(),
            self.welfare_checked(),
            self.grievance_raised(),
            self.grievance_referred(),
            self.grievance_resolved(),
            self.fee_reported(),
            self.visa_expiring(),
            self.contract_ended(),
            self.overstay_flagged(),
            self.returned(),
            self.case_closed(),
        ]

    def other_path(self) -> list[IntegrationEvent]:
        """Not eligible at first, an offer declined, a visa refused, then withdrawal."""
        return [
            self.registered(),
            self.screened(eligible=False),
            self.offered(),
            self.declined(),
            self.case_opened(),
            self.refused(),
            self.withdrawn(),
        ]
