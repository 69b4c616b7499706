"""Helpers of the journey tests (no tests here): a worker driven through the API, step by step,
with the visa service's part played by records handed to the registry's event processor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from registry_support import Tenant, Tenants, outbox_types, worker_body

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent, to_kafka_headers
from contracts.events.visa import VisaCaseOpened, VisaGranted, VisaRefused
from contracts.topics import VISA_CASE_TOPIC
from servicekit.inbox import Outcome
from servicekit.messaging import ReceivedRecord
from servicekit.testing.service import ServiceHarness

# The season the tests plan: next year's, so that its end is always ahead.
YEAR = datetime.now(UTC).year + 1
SEASON = {"season_start": f"{YEAR}-04-01", "season_end": f"{YEAR}-09-30"}
ALL_TOPICS = ["emergency_contacts", "financial_literacy", "health_and_safety", "living_conditions"]

# The happy path, in order: each stage and the step that leads to it.
PATH = (
    "registered",
    "screened",
    "oriented",
    "offered",
    "matched",
    "visa_applied",
    "visa_granted",
    "departed",
    "arrived",
    "contract_ended",
    "returned",
)


def d(month: int, day: int) -> str:
    """A date of the tests' season year."""
    return date(YEAR, month, day).isoformat()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "session_date": today(),
        "language": "kk",
        "trainer_name": "Gulnara Sadykova",
        "location": "Turkistan LMC, room 2",
        "topics_covered": ALL_TOPICS,
        "capacity": 30,
    }
    return body | overrides


def placement_body(operator_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "operator_id": operator_id,
        "farm_name": "Hillside Berries",
        "sector": "horticulture",
        "uk_region": "West Midlands",
        "start_date": d(4, 7),
        "end_date": d(9, 20),
        "hourly_wage": "12.21",
        "hours_per_week": "39.0",
        "accommodation": {"provided": True, "weekly_cost": "60.00", "description": "Caravan"},
    }
    return body | overrides


def welfare_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "check_date": d(5, 1),
        "channel": "phone_call",
        "wellbeing_score": 4,
        "outcome": "well",
        "concerns": False,
    }
    return body | overrides


def grievance_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "housing",
        "severity": "high",
        "raised_by": "worker",
        "description": "The caravan has had no heating for two weeks.",
    }
    return body | overrides


async def add_organisation(registry: ServiceHarness, tenants: Tenants, **body: Any) -> Tenant:
    """A new organisation with its API key, registered by the admin."""
    created = await registry.client.post(
        "/v1/organisations", json=body, headers=tenants.admin.headers
    )
    assert created.status_code == 201, created.text
    organisation_id = created.json()["id"]
    key = await registry.client.post(
        f"/v1/organisations/{organisation_id}/api-keys", headers=tenants.admin.headers
    )
    assert key.status_code == 201, key.text
    return Tenant(organisation_id, key.json()["key_id"], key.json()["api_key"])


async def add_operator(registry: ServiceHarness, tenants: Tenants, name: str) -> Tenant:
    return await add_organisation(
        registry, tenants, name=name, kind="operator", licence_number=f"GLAA-{uuid.uuid4().hex[:6]}"
    )


async def schedule_session(registry: ServiceHarness, lmc: Tenant, **overrides: Any) -> str:
    response = await registry.client.post(
        "/v1/orientation-sessions", json=session_body(**overrides), headers=lmc.headers
    )
    assert response.status_code == 201, response.text
    session_id: str = response.json()["id"]
    return session_id


def visa_record(
    event: IntegrationEvent, case_id: str, worker_id: str, version: int
) -> ReceivedRecord:
    """``event`` as the visa service's relay would publish it: subject the case, key the worker."""
    envelope = CloudEvent.create(
        event, source="/sws/visa", subject=case_id, key=worker_id
    ).model_copy(update={"aggregateversion": version})
    headers = tuple((name, value.encode()) for name, value in to_kafka_headers(envelope).items())
    return ReceivedRecord(VISA_CASE_TOPIC.name, worker_id.encode(), envelope.data, headers)


@dataclass
class Journey:
    """One worker, driven through the API by its owner (and the operator, for its steps)."""

    registry: ServiceHarness
    tenants: Tenants
    worker_id: str
    owner: Tenant
    operator: Tenant
    placement_id: str | None = None
    case_id: str | None = None
    grievance_id: str | None = None
    session_id: str | None = None
    _visa_version: int = 0
    _seen: int = field(default=0)

    @property
    def path(self) -> str:
        return f"/v1/workers/{self.worker_id}"

    async def post(
        self,
        sub_path: str,
        body: dict[str, Any] | None = None,
        *,
        by: Tenant | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        headers = (by or self.owner).headers | ({"Idempotency-Key": key} if key else {})
        return await self.registry.client.post(
            f"{self.path}/{sub_path}", json=body, headers=headers
        )

    async def journey(self, by: Tenant | None = None) -> dict[str, Any]:
        response = await self.registry.client.get(
            f"{self.path}/journey", headers=(by or self.owner).headers
        )
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    async def stage(self) -> str:
        stage: str = (await self.journey())["stage"]
        return stage

    async def published(self) -> list[str]:
        return await outbox_types(self.registry.runtime.pool, self.worker_id)

    async def new_events(self) -> list[str]:
        """The contract event types written for the worker since the last call."""
        types = await self.published()
        new = types[self._seen :]
        self._seen = len(types)
        return [name.removeprefix("sws.").removesuffix(".v1") for name in new]

    # -- the steps, with valid data ---------------------------------------------------------

    async def screen(self) -> httpx.Response:
        return await self.post("screenings", SEASON)

    async def orient(self) -> httpx.Response:
        self.session_id = await schedule_session(self.registry, self.tenants.lmc)
        body = {"session_id": self.session_id, "attended_on": today()}
        return await self.post("orientation", body)

    async def offer(self, operator: Tenant | None = None, **terms: Any) -> httpx.Response:
        operator = operator or self.operator
        response = await self.post("placements", placement_body(operator.organisation_id, **terms))
        if response.status_code == 201:
            self.placement_id = response.json()["id"]
        return response

    async def accept(self) -> httpx.Response:
        return await self.post(f"placements/{self.placement_id}/acceptance")

    async def open_visa_case(self) -> Outcome:
        view = await self.journey()
        accepted = next(p for p in view["placements"] if p["status"] == "accepted")
        self.case_id, self._visa_version = str(uuid.uuid4()), 0
        return await self._visa(
            VisaCaseOpened(
                **self._case(), operator_id=accepted["operator_id"], placement_id=accepted["id"],
                season=YEAR, placement_start=accepted["start_date"],
                placement_end=accepted["end_date"], occurred_at=datetime.now(UTC),
            )
        )  # fmt: skip

    async def grant_visa(self) -> Outcome:
        return await self._visa(
            VisaGranted(
                **self._case(), visa_start=d(4, 1), visa_end=d(10, 5), processing_days=12,
                occurred_at=datetime.now(UTC),
            )
        )  # fmt: skip

    async def refuse_visa(self) -> Outcome:
        return await self._visa(
            VisaRefused(
                **self._case(), reason_code="insufficient_documents",
                reason_text="Bank statements missing.", processing_days=9,
                occurred_at=datetime.now(UTC),
            )
        )  # fmt: skip

    def _case(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "worker_id": self.worker_id,
            "organisation_id": self.owner.organisation_id,
        }

    async def _visa(self, event: IntegrationEvent) -> Outcome:
        assert self.case_id is not None
        self._visa_version += 1
        record = visa_record(event, self.case_id, self.worker_id, self._visa_version)
        return await self.registry.runtime.processor.process(record)

    async def depart(self) -> httpx.Response:
        body = {"departure_date": d(4, 5), "flight_number": "KC941", "route": "NQZ-LHR"}
        return await self.post("departure", body)

    async def arrive(self) -> httpx.Response:
        return await self.post("arrival", {"arrival_date": d(4, 6)}, by=self.operator)

    async def end_contract(self) -> httpx.Response:
        body = {"end_date": d(9, 19), "reason": "completed"}
        return await self.post("contract-end", body, by=self.operator)

    async def come_back(self) -> httpx.Response:
        body = {
            "return_date": d(9, 20),
            "follow_up": {
                "wishes_to_return": True,
                "earnings": "5200.00",
                "remittances": "3100.00",
            },
        }
        return await self.post("return", body)

    async def raise_grievance(self, **overrides: Any) -> httpx.Response:
        response = await self.post("grievances", grievance_body(**overrides))
        if response.status_code == 201:
            self.grievance_id = response.json()["id"]
        return response

    async def reach(self, stage: str) -> Journey:
        """Take the happy path's steps up to ``stage``, checking each one."""
        steps = {
            "screened": self.screen,
            "oriented": self.orient,
            "offered": self.offer,
            "matched": self.accept,
            "visa_applied": self.open_visa_case,
            "visa_granted": self.grant_visa,
            "departed": self.depart,
            "arrived": self.arrive,
            "contract_ended": self.end_contract,
            "returned": self.come_back,
        }
        for next_stage in PATH[PATH.index(await self.stage()) + 1 : PATH.index(stage) + 1]:
            outcome = await steps[next_stage]()
            if isinstance(outcome, httpx.Response):
                assert outcome.status_code in (200, 201), outcome.text
            else:
                assert outcome is Outcome.APPLIED
            assert await self.stage() == next_stage
        await self.new_events()  # later assertions see only what follows
        return self


async def new_journey(
    registry: ServiceHarness,
    tenants: Tenants,
    *,
    owner: Tenant | None = None,
    operator: Tenant | None = None,
    stage: str = "registered",
) -> Journey:
    """A newly registered worker (passport valid well beyond the season), taken to ``stage``."""
    owner = owner or tenants.agency_a
    body = worker_body(passport_expiry=f"{YEAR + 4}-06-30")
    response = await registry.client.post("/v1/workers", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    journey = Journey(registry, tenants, response.json()["id"], owner, operator or tenants.operator)
    return await journey.reach(stage)
