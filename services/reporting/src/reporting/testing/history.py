"""A generator of realistic event histories for the reporting service's tests.

It simulates organisations, API keys, workers and their journeys (registration, screening,
orientation, offers, visa cases, departure, welfare checks, grievances, fees, return,
withdrawal, a second season for some) and the notifications about them, and records two things:
the CloudEvents each producer would publish (per aggregate stream, versions from 1), and the
facts of each journey as the simulation decided them (``truth``), from which the tests compute
the expected figures in plain Python. It also invents the personal data the registry would hold
(IIN, names, phones, e-mails), published only on the contact topic, so tests can check that none
of it ever reaches reporting's outputs.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent, to_kafka_headers
from contracts.events.contact import WorkerContactDetailsChanged
from contracts.events.notifications import NotificationDelivered, NotificationFailed
from contracts.events.organisation import ApiKeyIssued, OrganisationRegistered
from contracts.events.registry import (
    Accommodation,
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OrientationCompleted,
    OverstayRiskFlagged,
    PlacementAccepted,
    PlacementDeclined,
    PlacementOffered,
    RecruitmentFeeReported,
    ReturnFollowUp,
    ScreeningReason,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerDeparted,
    WorkerRegistered,
    WorkerReturned,
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
from servicekit.access import hash_key
from servicekit.messaging import ReceivedRecord

REGIONS = ("Turkistan", "Zhambyl", "Almaty Region", "Kyzylorda", "Shymkent")
GIVEN_NAMES = ("Aigerim", "Nurlan", "Dana", "Yerlan", "Aruzhan", "Bauyrzhan", "Madina", "Timur")
FAMILY_NAMES = ("Seitkali", "Omarov", "Zhumabek", "Akhmetova", "Bekova", "Karimov", "Nurpeis")
UK_REGIONS = ("West Midlands", "Kent", "Herefordshire", "Scotland", "Lincolnshire")
CATEGORIES = (
    "wages",
    "housing",
    "safety",
    "harassment",
    "recruitment_fee",
    "document_retention",
    "other",
)
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass
class Organisation:
    id: uuid.UUID
    name: str
    kind: str
    region: str | None
    api_key: str
    key_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass
class VisaCaseTruth:
    case_id: uuid.UUID
    placement_id: uuid.UUID
    operator_id: uuid.UUID
    organisation_id: uuid.UUID
    season: int
    opened_at: datetime
    status: str = "open"
    decision: str | None = None
    decided_on: date | None = None
    processing_days: int | None = None
    # (kind, day, processing days): every submission and decision
    facts: list[tuple[str, date, int | None]] = field(default_factory=list)


@dataclass
class GrievanceTruth:
    grievance_id: uuid.UUID
    category: str
    severity: str
    operator_id: uuid.UUID | None
    organisation_id: uuid.UUID
    raised_on: date
    referred_on: date | None = None
    resolved_on: date | None = None

    @property
    def status(self) -> str:
        if self.resolved_on is not None:
            return "resolved"
        return "referred" if self.referred_on is not None else "open"


@dataclass
class JourneyTruth:
    number: int
    organisation_id: uuid.UUID
    started_on: date
    stage: str = "registered"
    season: int | None = None
    season_start: date | None = None
    screened_on: date | None = None
    ineligible_screenings: int = 0
    oriented_on: date | None = None
    orientation_language: str | None = None
    offered_on: date | None = None
    matched_on: date | None = None
    # the accepted placement in force: (placement id, operator, sector, uk region, start, end)
    placement: tuple[uuid.UUID, uuid.UUID, str, str, date, date] | None = None
    cases: list[VisaCaseTruth] = field(default_factory=list)
    departed_on: date | None = None
    arrived_on: date | None = None
    contract_ended_on: date | None = None
    returned_on: date | None = None
    wishes_to_return: bool | None = None
    withdrawn_on: date | None = None
    withdrawn_stage: str | None = None
    overstay_flagged: bool = False
    welfare_checks: int = 0
    welfare_concerns: int = 0
    welfare_urgent: int = 0
    grievances: list[GrievanceTruth] = field(default_factory=list)
    # (amount, breach)
    fees: list[tuple[Decimal, bool]] = field(default_factory=list)


@dataclass
class WorkerTruth:
    id: uuid.UUID
    organisation_id: uuid.UUID
    region: str
    sex: str
    date_of_birth: date
    language: str
    registered_on: date
    iin: str
    given_name: str
    family_name: str
    phone: str
    email: str
    journeys: list[JourneyTruth] = field(default_factory=list)

    @property
    def journey(self) -> JourneyTruth:
        return self.journeys[-1]


@dataclass
class DeliveryTruth:
    delivery_id: uuid.UUID
    worker_id: uuid.UUID | None
    recipient_id: str
    channel: str
    status: str
    occurred_on: date


@dataclass
class Streamed:
    """One event as its producer published it."""

    topic: str
    envelope: CloudEvent

    def record(self) -> ReceivedRecord:
        headers = tuple((n, v.encode()) for n, v in to_kafka_headers(self.envelope).items())
        key = self.envelope.partitionkey.encode() if self.envelope.partitionkey else None
        return ReceivedRecord(self.topic, key, self.envelope.data, headers)


@dataclass
class History:
    organisations: dict[str, Organisation]
    workers: list[WorkerTruth]
    deliveries: list[DeliveryTruth]
    # per aggregate stream (topic, subject), the events in order
    streams: dict[tuple[str, str], list[Streamed]]

    def events(self) -> list[Streamed]:
        return [event for stream in self.streams.values() for event in stream]

    def delivery_order(self, rng: random.Random, duplicates: float = 0.08) -> list[Streamed]:
        """Every stream's events interleaved at random, each stream in order, with
        redeliveries mixed in (a record delivered again later, as after a consumer restart or
        an outbox re-publication)."""
        cursors = dict.fromkeys(self.streams, 0)
        pending = [key for key in self.streams if self.streams[key]]
        delivered: list[Streamed] = []
        while pending:
            key = rng.choice(pending)
            stream = self.streams[key]
            event = stream[cursors[key]]
            delivered.append(event)
            if rng.random() < duplicates:
                # the same record again, somewhere later
                delivered.insert(rng.randint(len(delivered) - 1, len(delivered)), event)
            cursors[key] += 1
            if cursors[key] == len(stream):
                pending.remove(key)
        redelivered = rng.sample(delivered, k=int(len(delivered) * duplicates / 2))
        return delivered + redelivered

    def personal_data(self) -> list[str]:
        """Every value that identifies or reaches a worker and must appear in no output."""
        values: list[str] = []
        for worker in self.workers:
            values += [
                worker.iin,
                worker.phone,
                worker.email,
                worker.given_name + " " + worker.family_name,
            ]
            values += [worker.family_name, str(worker.id)]
        return values


class Simulation:
    def __init__(self, seed: int, workers: int, start: date = date(2024, 10, 1)) -> None:
        self.rng = random.Random(seed)
        self.worker_count = workers
        self.start = start
        self.streams: dict[tuple[str, str], list[Streamed]] = {}
        self.organisations: dict[str, Organisation] = {}
        self.workers: list[WorkerTruth] = []
        self.deliveries: list[DeliveryTruth] = []
        self._serial = 0

    # -- publishing -----------------------------------------------------------------------

    def publish(
        self, event: IntegrationEvent, *, subject: str, key: str, source: str, at: datetime
    ) -> None:
        stream = self.streams.setdefault((event.topic, subject), [])
        envelope = CloudEvent.create(
            event, source=source, subject=subject, key=key, time=at
        ).model_copy(update={"aggregateversion": len(stream) + 1})
        stream.append(Streamed(event.topic, envelope))

    def _registry(self, event: IntegrationEvent, worker: WorkerTruth, at: datetime) -> None:
        self.publish(
            event, subject=str(worker.id), key=str(worker.id), source="/sws/registry", at=at
        )

    def _visa(
        self, event: IntegrationEvent, case: VisaCaseTruth, worker: WorkerTruth, at: datetime
    ) -> None:
        self.publish(
            event, subject=str(case.case_id), key=str(worker.id), source="/sws/visa", at=at
        )

    # -- organisations ----------------------------------------------------------------------

    def organisation(
        self, label: str, name: str, kind: str, region: str | None = None
    ) -> Organisation:
        self._serial += 1
        secret = f"sws_test_{label}_{self.rng.getrandbits(64):016x}"
        org = Organisation(uuid.uuid4(), name, kind, region, secret, uuid.uuid4())
        at = datetime(2024, 9, 1, 8, tzinfo=UTC) + timedelta(minutes=self._serial)
        subject = str(org.id)
        self.publish(
            OrganisationRegistered(
                organisation_id=org.id, name=name, kind=kind, region=region, occurred_at=at
            ),
            subject=subject, key=subject, source="/sws/registry", at=at,
        )  # fmt: skip
        self.publish(
            ApiKeyIssued(
                key_id=org.key_id, organisation_id=org.id, role=kind,
                key_hash=hash_key(secret), occurred_at=at,
            ),
            subject=subject, key=subject, source="/sws/registry", at=at,
        )  # fmt: skip
        self.organisations[label] = org
        return org

    # -- the simulation ---------------------------------------------------------------------

    def run(self) -> History:
        self.organisation("ministry", "MLSP", "ministry")
        for region in ("Turkistan", "Zhambyl"):
            self.organisation(f"lmc_{region.lower()}", f"{region} LMC", "lmc", region)
        self.organisation("agency_a", "Agency A", "agency")
        self.organisation("agency_b", "Agency B", "agency")
        for index in range(3):
            self.organisation(f"operator_{index}", f"Operator {index}", "operator")
        for _ in range(self.worker_count):
            self.worker()
        return History(self.organisations, self.workers, self.deliveries, self.streams)

    @property
    def registrars(self) -> list[Organisation]:
        return [o for o in self.organisations.values() if o.kind in ("lmc", "agency")]

    @property
    def operators(self) -> list[Organisation]:
        return [o for o in self.organisations.values() if o.kind == "operator"]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def paused(self) -> bool:
        """The history ends here for this worker: the journey is still in progress."""
        return self.chance(0.04)

    def worker(self) -> None:
        rng = self.rng
        org = rng.choice(self.registrars)
        registered = self.start + timedelta(days=rng.randint(0, 150))
        born = date(rng.randint(1965, 2008), rng.randint(1, 12), rng.randint(1, 28))
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        worker = WorkerTruth(
            id=uuid.uuid4(), organisation_id=org.id,
            region=org.region or rng.choice(REGIONS), sex=rng.choice(("male", "female")),
            date_of_birth=born, language=rng.choice(("kk", "ru", "en")),
            registered_on=registered,
            iin=f"{born:%y%m%d}{rng.randint(3, 6)}{rng.randint(0, 99999):05d}",
            given_name=given, family_name=f"{family}{rng.randint(100, 999)}",
            phone=f"+7701{rng.randint(1000000, 9999999)}",
            email=f"{given.lower()}.{rng.randint(1000, 9999)}@example.kz",
        )  # fmt: skip
        self.workers.append(worker)
        at = self.moment(registered)
        worker.journeys.append(JourneyTruth(1, org.id, registered))
        self._registry(
            WorkerRegistered(
                worker_id=worker.id, organisation_id=org.id, region=worker.region,
                sex=worker.sex, date_of_birth=born,
                preferred_language=worker.language,
                passport_expiry=date(2032, 1, 1), registered_at=at,
            ),
            worker, at,
        )  # fmt: skip
        # The contact details go to the personal-data topic only (reporting does not read it).
        self.publish(
            WorkerContactDetailsChanged(
                worker_id=worker.id, organisation_id=org.id,
                full_name=f"{worker.given_name} {worker.family_name}", phone=worker.phone,
                email=worker.email, preferred_language=worker.language,
                sms_consent=True, email_consent=True, occurred_at=at,
            ),
            subject=str(worker.id), key=str(worker.id), source="/sws/registry", at=at,
        )  # fmt: skip
        ended: date | None = registered
        for season in (2025, 2026):
            ended = self.season(worker, season, ended or registered)
            if ended is None or not self.chance(0.3):
                break

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(7, 17), self.rng.randint(0, 59)), UTC)

    def later(self, day: date, low: int = 1, high: int = 10) -> date:
        return day + timedelta(days=self.rng.randint(low, high))

    def season(self, worker: WorkerTruth, season: int, day: date) -> date | None:
        """One season of the journey; the day it ended, or None when the worker stops."""
        rng = self.rng
        org = worker.organisation_id
        ids = {"worker_id": worker.id, "organisation_id": org}
        start, end = date(season, 4, 1), date(season, 10, 31)
        journey = worker.journey
        if season > 2025:
            day = max(day, date(season - 1, 12, 1))
        if self.chance(0.12):
            day = self.later(day)
            at = self.moment(day)
            journey.ineligible_screenings += 1
            self._registry(WorkerScreened(
                **ids, eligible=False, season_start=start, season_end=end, occurred_at=at,
                reasons=[
                    ScreeningReason(code="passport_expires_before_season_end", text="Expires.")
                ],
            ), worker, at)  # fmt: skip
            if self.chance(0.5):
                return None
        if season == 2025 and self.chance(0.06):
            return self.withdraw(worker, day)
        day = self.later(day)
        at = self.moment(day)
        if journey.stage in ("returned", "withdrawn"):
            journey = JourneyTruth(len(worker.journeys) + 1, org, day)
            worker.journeys.append(journey)
        journey.stage, journey.season, journey.season_start = "screened", season, start
        journey.screened_on = day
        self._registry(
            WorkerScreened(
                **ids, eligible=True, season_start=start, season_end=end, occurred_at=at
            ),
            worker, at,
        )  # fmt: skip
        if self.chance(0.05):
            return self.withdraw(worker, day)
        if self.paused():
            return None
        if not self.chance(0.04):  # a few skip orientation (a record from elsewhere, say)
            day = self.later(day)
            at = self.moment(day)
            journey.stage = "oriented"
            journey.oriented_on = journey.oriented_on or day
            journey.orientation_language = rng.choice(("kk", "ru", "en"))
            self._registry(OrientationCompleted(
                **ids, session_id=uuid.uuid4(), session_date=day,
                language=journey.orientation_language,
                topics_covered=["health_and_safety", "living_conditions"], occurred_at=at,
            ), worker, at)  # fmt: skip
        if self.chance(0.08):
            return self.withdraw(worker, day)
        if self.paused():
            return None
        for _attempt in range(3):
            result = self.placement_and_visa(worker, season, day)
            if isinstance(result, date):
                day = result
                break
            if result is None:
                return None
            day = result[1]
        else:
            return self.withdraw(worker, day)
        return self.abroad(worker, season, day)

    def withdraw(self, worker: WorkerTruth, day: date) -> date | None:
        """The worker leaves the process; None (nothing follows)."""
        journey = worker.journey
        day = self.later(day)
        at = self.moment(day)
        stage = journey.stage
        journey.withdrawn_stage = stage
        journey.stage, journey.withdrawn_on = "withdrawn", day
        self._registry(WorkerWithdrawn(
            worker_id=worker.id, organisation_id=worker.organisation_id,
            stage=stage, reason="Changed plans.", occurred_at=at,
        ), worker, at)  # fmt: skip
        self.maybe_notify(worker, "worker_withdrawn", day)
        return None

    def placement_and_visa(
        self, worker: WorkerTruth, season: int, day: date
    ) -> date | tuple[str, date] | None:
        """An offer, perhaps declined; acceptance and the visa case. The day the visa was granted,
        ("again", day) to try another offer, or None when the worker withdrew."""
        rng = self.rng
        journey = worker.journey
        ids = {"worker_id": worker.id, "organisation_id": worker.organisation_id}
        operator = rng.choice(self.operators)
        sector = rng.choice(("horticulture", "horticulture", "poultry"))
        uk_region = rng.choice(UK_REGIONS)
        placement_id = uuid.uuid4()
        start = date(season, rng.randint(4, 5), rng.randint(1, 28))
        end = start + timedelta(days=rng.randint(90, 175))
        day = self.later(day)
        at = self.moment(day)
        journey.stage, journey.offered_on = "offered", journey.offered_on or day
        journey.placement = None
        self._registry(PlacementOffered(
            **ids, placement_id=placement_id, operator_id=operator.id, farm_name="Hillside Farm",
            sector=sector, uk_region=uk_region, start_date=start, end_date=end,
            hourly_wage=Decimal("12.21"), hours_per_week=Decimal("39.0"),
            accommodation=Accommodation(provided=True, weekly_cost=Decimal("60.00")),
            occurred_at=at,
        ), worker, at)  # fmt: skip
        if self.paused():
            return None
        day = self.later(day, 1, 5)
        at = self.moment(day)
        if self.chance(0.1):
            journey.stage = "oriented"
            self._registry(PlacementDeclined(
                **ids, placement_id=placement_id, operator_id=operator.id, reason="Too far.",
                occurred_at=at,
            ), worker, at)  # fmt: skip
            return ("again", day)
        journey.stage, journey.matched_on = "matched", journey.matched_on or day
        journey.placement = (placement_id, operator.id, sector, uk_region, start, end)
        self._registry(PlacementAccepted(
            **ids, placement_id=placement_id, operator_id=operator.id, sector=sector,
            start_date=start, end_date=end, occurred_at=at,
        ), worker, at)  # fmt: skip
        if self.chance(0.04):
            return self.withdraw(worker, day)
        case = VisaCaseTruth(
            uuid.uuid4(),
            placement_id,
            operator.id,
            worker.organisation_id,
            season,
            self.moment(day) + timedelta(minutes=5),
        )
        journey.cases.append(case)
        journey.stage = "visa_applied"
        case_ids = {"case_id": case.case_id, **ids}
        opened = {
            "operator_id": operator.id, "placement_id": placement_id, "season": season,
            "placement_start": start, "placement_end": end,
        }  # fmt: skip
        self._visa(
            VisaCaseOpened(**case_ids, **opened, occurred_at=case.opened_at),
            case,
            worker,
            case.opened_at,
        )
        for attempt in range(2):
            day = self.later(day, 1, 4)
            at = self.moment(day)
            case.status = "sponsored"
            self._visa(CertificateOfSponsorshipAssigned(
                **case_ids, operator_id=operator.id, cos_number=f"COS-{rng.randint(1000, 9999)}",
                issued_on=day, expires_on=day + timedelta(days=90), occurred_at=at,
            ), case, worker, at)  # fmt: skip
            day = self.later(day, 1, 6)
            at = self.moment(day)
            case.status = "submitted"
            case.facts.append(("submitted", day, None))
            self._visa(VisaApplicationSubmitted(
                **case_ids, submitted_on=day, application_reference="GWF0712345", occurred_at=at,
            ), case, worker, at)  # fmt: skip
            if self.chance(0.8):
                day = self.later(day, 1, 5)
                at = self.moment(day)
                case.status = "biometrics_recorded"
                self._visa(
                    VisaBiometricsRecorded(**case_ids, recorded_on=day, occurred_at=at),
                    case,
                    worker,
                    at,
                )
            if self.chance(0.05):
                return self.withdraw(worker, day)
            if self.paused():
                return None
            processing = rng.randint(3, 45)
            submitted_on = case.facts[-1][1]
            day = max(day, submitted_on + timedelta(days=processing))
            at = self.moment(day)
            if self.chance(0.15):
                case.status, case.decision, case.decided_on = "refused", "refused", day
                case.processing_days = processing
                case.facts.append(("refused", day, processing))
                journey.stage = "visa_refused"
                self._visa(VisaRefused(
                    **case_ids, reason_code="insufficient_funds", reason_text="Not shown.",
                    processing_days=processing, occurred_at=at,
                ), case, worker, at)  # fmt: skip
                self.maybe_notify(worker, "visa_refused", day)
                if self.paused():
                    return None
                if attempt == 0 and self.chance(0.5):
                    # the case is reopened for a renewed application
                    case.opened_at = self.moment(self.later(day, 1, 3))
                    case.status, case.decision, case.decided_on = "open", None, None
                    case.processing_days = None
                    journey.stage = "visa_applied"
                    day = case.opened_at.date()
                    self._visa(
                        VisaCaseOpened(**case_ids, **opened, occurred_at=case.opened_at),
                        case,
                        worker,
                        case.opened_at,
                    )
                    continue
                if self.chance(0.3):
                    closed = self.moment(self.later(day, 1, 2))
                    case.status = "closed"
                    self._visa(
                        VisaCaseClosed(**case_ids, reason="refused_final", occurred_at=closed),
                        case,
                        worker,
                        closed,
                    )
                if self.chance(0.5):
                    return ("again", day)
                return self.withdraw(worker, day)
            case.status, case.decision, case.decided_on = "granted", "granted", day
            case.processing_days = processing
            case.facts.append(("granted", day, processing))
            journey.stage = "visa_granted"
            self._visa(VisaGranted(
                **case_ids, visa_start=start - timedelta(days=7), visa_end=end + timedelta(days=14),
                processing_days=processing, occurred_at=at,
            ), case, worker, at)  # fmt: skip
            self.maybe_notify(worker, "visa_granted", day)
            if self.chance(0.2):
                expiring = self.moment(end - timedelta(days=16))
                self._visa(VisaExpiring(
                    **case_ids, visa_end=end + timedelta(days=14), days_before=30,
                    occurred_at=expiring,
                ), case, worker, expiring)  # fmt: skip
            return day
        return ("again", day)

    def abroad(self, worker: WorkerTruth, season: int, day: date) -> date | None:
        rng = self.rng
        journey = worker.journey
        assert journey.placement is not None
        placement_id, operator_id, _, _, start, end = journey.placement
        ids = {"worker_id": worker.id, "organisation_id": worker.organisation_id}
        if self.chance(0.04):
            return self.withdraw(worker, day)
        if self.chance(0.1):
            self.fee(worker, day)
        if self.paused():
            return None
        day = max(self.later(day), start - timedelta(days=2))
        journey.stage, journey.departed_on = "departed", day
        at = self.moment(day)
        self._registry(WorkerDeparted(
            **ids, placement_id=placement_id, departure_date=day, flight_number="KC941",
            occurred_at=at,
        ), worker, at)  # fmt: skip
        if self.paused():
            return None
        if self.chance(0.03):
            day = self.later(day, 2, 5)
            journey.stage, journey.returned_on = "returned", day
            at = self.moment(day)
            self._registry(WorkerReturned(**ids, return_date=day, occurred_at=at), worker, at)
            return day
        day = self.later(day, 1, 2)
        journey.stage, journey.arrived_on = "arrived", day
        at = self.moment(day)
        self._registry(WorkerArrived(
            **ids, placement_id=placement_id, arrival_date=day, confirmed_by=operator_id,
            occurred_at=at,
        ), worker, at)  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            day = self.later(day, 5, 30)
            at = self.moment(day)
            outcome = rng.choice(("well", "well", "needs_follow_up", "urgent"))
            concerns = outcome != "well"
            journey.welfare_checks += 1
            journey.welfare_concerns += int(concerns)
            journey.welfare_urgent += int(outcome == "urgent")
            self._registry(WelfareCheckRecorded(
                **ids, check_id=uuid.uuid4(), check_date=day, channel="phone_call",
                wellbeing_score=rng.randint(1, 5), outcome=outcome, concerns=concerns,
                recorded_by=worker.organisation_id, occurred_at=at,
            ), worker, at)  # fmt: skip
        for _ in range(rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]):
            day = self.grievance(worker, operator_id, day)
        if self.chance(0.08):
            self.fee(worker, day)
        contract_end = end if self.chance(0.85) else end - timedelta(days=rng.randint(10, 40))
        day = max(day, contract_end)
        if not self.chance(0.93):
            # never ended nor returned: an overstay risk
            if self.chance(0.7):
                self.overstay(worker, season, contract_end)
            return None
        journey.stage, journey.contract_ended_on = "contract_ended", contract_end
        at = self.moment(day)
        self._registry(ContractEnded(
            **ids, placement_id=placement_id, end_date=contract_end,
            reason=rng.choice(("completed", "completed", "terminated_by_worker")),
            occurred_at=at,
        ), worker, at)  # fmt: skip
        late = self.chance(0.15)
        returned = contract_end + timedelta(
            days=rng.randint(15, 60) if late else rng.randint(0, 14)
        )
        if late and self.chance(0.6):
            self.overstay(worker, season, contract_end)
        journey.stage, journey.returned_on = "returned", returned
        journey.wishes_to_return = self.chance(0.7)
        at = self.moment(returned)
        self._registry(WorkerReturned(
            **ids, return_date=returned, occurred_at=at,
            follow_up=ReturnFollowUp(
                wishes_to_return=journey.wishes_to_return, earnings=Decimal("5400.00")
            ),
        ), worker, at)  # fmt: skip
        self.maybe_notify(worker, "worker_returned", returned)
        return returned

    def overstay(self, worker: WorkerTruth, season: int, contract_end: date) -> None:
        at = self.moment(contract_end + timedelta(days=15))
        worker.journey.overstay_flagged = True
        self._registry(OverstayRiskFlagged(
            worker_id=worker.id, organisation_id=worker.organisation_id,
            reason="contract_ended_no_return", contract_end=contract_end, season=season,
            occurred_at=at,
        ), worker, at)  # fmt: skip

    def grievance(self, worker: WorkerTruth, operator_id: uuid.UUID, day: date) -> date:
        rng = self.rng
        ids = {"worker_id": worker.id, "organisation_id": worker.organisation_id}
        day = self.later(day, 3, 20)
        at = self.moment(day)
        grievance = GrievanceTruth(
            uuid.uuid4(), rng.choice(CATEGORIES), rng.choice(SEVERITIES),
            operator_id if self.chance(0.7) else None, worker.organisation_id, day,
        )  # fmt: skip
        # without an operator named, the projection takes the journey's
        stored_operator = grievance.operator_id
        if grievance.operator_id is None:
            grievance.operator_id = operator_id
        worker.journey.grievances.append(grievance)
        self._registry(GrievanceRaised(
            **ids, grievance_id=grievance.grievance_id, category=grievance.category,
            severity=grievance.severity, raised_by="worker", operator_id=stored_operator,
            occurred_at=at,
        ), worker, at)  # fmt: skip
        if self.chance(0.35):
            day = self.later(day, 1, 5)
            at = self.moment(day)
            grievance.referred_on = day
            self._registry(GrievanceReferred(
                **ids, grievance_id=grievance.grievance_id, category=grievance.category,
                severity=grievance.severity, reference=f"GLAA-{rng.randint(100, 999)}",
                occurred_at=at,
            ), worker, at)  # fmt: skip
        if self.chance(0.6):
            day = self.later(day, 2, 15)
            at = self.moment(day)
            grievance.resolved_on = day
            self._registry(GrievanceResolved(
                **ids, grievance_id=grievance.grievance_id, outcome="upheld_remedied",
                occurred_at=at,
            ), worker, at)  # fmt: skip
        return day

    def fee(self, worker: WorkerTruth, day: date) -> None:
        at = self.moment(day) + timedelta(minutes=1)
        amount = Decimal(self.rng.randint(50, 900))
        breach = self.chance(0.75)
        worker.journey.fees.append((amount, breach))
        self._registry(RecruitmentFeeReported(
            worker_id=worker.id, organisation_id=worker.organisation_id, amount=amount,
            currency="GBP", charged_by=self.rng.choice(self.registrars).id,
            compliance_breach=breach, occurred_at=at,
        ), worker, at)  # fmt: skip

    def maybe_notify(self, worker: WorkerTruth, template: str, day: date) -> None:
        if not self.chance(0.7):
            return
        delivery = DeliveryTruth(
            uuid.uuid4(),
            worker.id,
            str(worker.id),
            self.rng.choice(("sms", "email")),
            "delivered" if self.chance(0.85) else "failed",
            day,
        )
        self.deliveries.append(delivery)
        common: dict[str, Any] = {
            "delivery_id": delivery.delivery_id, "recipient_kind": "worker",
            "recipient_id": delivery.recipient_id, "worker_id": worker.id,
            "channel": delivery.channel, "source_event_type": "sws.VisaGranted.v1",
            "source_event_id": str(uuid.uuid4()), "template": template,
            "language": worker.language, "attempts": 1,
        }  # fmt: skip
        at = self.moment(day)
        event: IntegrationEvent
        if delivery.status == "delivered":
            event = NotificationDelivered(**common, delivered_at=at)
        else:
            event = NotificationFailed(**common, failed_at=at, error="gateway rejected it")
        subject = str(delivery.delivery_id)
        self.publish(
            event, subject=subject, key=delivery.recipient_id, source="/sws/notifications", at=at
        )


def generate(seed: int = 7, workers: int = 120) -> History:
    return Simulation(seed, workers).run()


def pseudonym(key: str, worker_id: uuid.UUID) -> str:
    """The pseudonymous id, computed here independently of the service's code."""
    import hmac

    return hmac.new(key.encode(), worker_id.bytes, hashlib.sha256).hexdigest()[:32]
