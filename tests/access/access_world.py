"""The organisations and records the access tests act on.

Two organisations of every role: ``own`` (the one a record belongs to: the LMC that registered
the worker, the agency it was assigned to, the operator of its placement; for organisations,
keys and webhook endpoints, the caller's own) and ``other`` (the same role, no part in it).
Workers are prepared at the stage a step needs, through the public APIs, each a fresh one when
the step will change it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from faults.scale_journey import END, START, TODAY, TOPICS, Api, Partner, placement_body, until
from system_support import RunningSystem, admin_headers, keys_known_everywhere, valid_iin

ROLES = ("lmc", "agency", "operator", "ministry", "admin")
RELATIONS = ("own", "other")
# Stages a worker is prepared at, in journey order ("grievance": matched, with an open one).
STAGES = (
    "registered",
    "screened",
    "oriented",
    "offered",
    "matched",
    "sponsored",
    "submitted",
    "biometrics",
    "refused",
    "granted",
    "departed",
    "arrived",
    "contract_ended",
)
BODIES = {
    "lmc": {"kind": "lmc", "region": "Turkistan"},
    "agency": {"kind": "agency", "licence_number": "KZ-PEA-9", "licence_valid_until": "2099-12-31"},
    "operator": {"kind": "operator", "licence_number": "GLAA-9"},
    "ministry": {"kind": "ministry"},
    "admin": {"kind": "admin"},
}


@dataclass
class Record:
    """A prepared worker and what hangs off it."""

    worker: str
    iin: str
    placement: str = ""
    case: str = ""
    grievance: str = ""
    delivery: str = ""
    stage: str = "registered"


@dataclass
class World:
    system: RunningSystem
    api: Api
    tag: str
    callers: dict[tuple[str, str], Partner] = field(default_factory=dict)
    session: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)  # organisation id -> endpoint id
    counter: int = 0

    def caller(self, role: str, relation: str) -> Partner:
        return self.callers[(role, relation)]

    @property
    def lmc(self) -> Partner:
        return self.caller("lmc", "own")

    @property
    def operator(self) -> Partner:
        return self.caller("operator", "own")

    async def admin(self) -> Partner:
        headers = await admin_headers(self.system)
        return Partner("root", "admin", "", headers["Authorization"].removeprefix("Bearer "))

    async def organisation(self, role: str, label: str) -> Partner:
        """A new organisation of ``role`` with a key (made by the stack's first admin)."""
        root = await self.admin()
        body = {"name": f"{label} {self.tag}", **BODIES[role]}
        made = await self.api.json("registry", "POST", "/v1/organisations", root, json=body)
        key = await self.api.json(
            "registry", "POST", f"/v1/organisations/{made['id']}/api-keys", root
        )
        return Partner(f"{role} {label}", role, made["id"], key["api_key"])

    async def spare_key(self, organisation_id: str) -> str:
        """A further key of the organisation (to rotate or revoke): its id."""
        root = await self.admin()
        key = await self.api.json(
            "registry", "POST", f"/v1/organisations/{organisation_id}/api-keys", root
        )
        return str(key["key_id"])

    async def set_up(self) -> None:
        for role in ROLES:
            for relation in RELATIONS:
                self.callers[(role, relation)] = await self.organisation(role, relation)
        await keys_known_everywhere(self.system, [p.key for p in self.callers.values()])
        session = {
            "session_date": TODAY.isoformat(),
            "language": "kk",
            "trainer_name": "Trainer",
            "location": "Room",
            "topics_covered": TOPICS,
            "capacity": 1000,
        }
        made = await self.api.json(
            "registry", "POST", "/v1/orientation-sessions", self.lmc, json=session
        )
        self.session = made["id"]

    # -- workers at a stage ------------------------------------------------------------------

    async def worker(self, stage: str, *, grievance: bool = False) -> Record:
        """A worker of the own LMC, assigned to the own agency, taken to ``stage`` (placement
        with the own operator); with ``grievance``, an open grievance too."""
        lmc, agency = self.lmc, self.caller("agency", "own")
        body = {
            "iin": valid_iin("990101", "3"),
            "given_name": "Access",
            "family_name": "Matrix",
            "date_of_birth": "1999-01-01",
            "sex": "male",
            "region": "Turkistan",
            "phone": "+77010000002",
            "preferred_language": "kk",
            "passport_number": "N33333333",
            "passport_expiry": (END + timedelta(days=900)).isoformat(),
            "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
        }
        made = await self.api.json("registry", "POST", "/v1/workers", lmc, json=body)
        record = Record(made["id"], str(body["iin"]))
        path = f"/v1/workers/{record.worker}"
        await self.api.call(
            "registry", "POST", f"{path}/assignments", lmc, json={"organisation_id": agency.id}
        )
        wanted = STAGES.index(stage)

        def step(name: str) -> bool:
            return STAGES.index(name) <= wanted and not (name == "refused" and stage != "refused")

        if step("screened"):
            season = {"season_start": START.isoformat(), "season_end": END.isoformat()}
            await self.api.call("registry", "POST", f"{path}/screenings", lmc, json=season)
        if step("oriented"):
            await self.api.call(
                "registry",
                "POST",
                f"{path}/orientation",
                lmc,
                json={"session_id": self.session, "attended_on": TODAY.isoformat()},
            )
        if step("offered"):
            record.placement = (
                await self.api.json(
                    "registry", "POST", f"{path}/placements", lmc, json=self.placement_body()
                )
            )["id"]
        if step("matched"):
            await self.api.call(
                "registry", "POST", f"{path}/placements/{record.placement}/acceptance", lmc
            )
            record.case = await self.case_of(record, agency)
            await self.stage_is(record, "visa_applied")
        case = f"/v1/cases/{record.case}"
        if step("sponsored"):
            await self.api.call(
                "visa", "POST", f"{case}/sponsorship", self.operator, json=self.cos_body()
            )
        if step("submitted"):
            await self.api.call(
                "visa", "POST", f"{case}/application", lmc, json=self.application_body()
            )
        if step("biometrics"):
            await self.api.call(
                "visa",
                "POST",
                f"{case}/biometrics",
                lmc,
                json={"recorded_on": (TODAY - timedelta(days=1)).isoformat()},
            )
        if stage == "refused":
            await self.api.call(
                "visa", "POST", f"{case}/decision", self.operator, json=self.refusal_body()
            )
            await self.stage_is(record, "visa_refused")
        if step("granted"):
            await self.api.call(
                "visa", "POST", f"{case}/decision", self.operator, json=self.grant_body()
            )
            await self.stage_is(record, "visa_granted")
        if step("departed"):
            await self.api.call(
                "registry",
                "POST",
                f"{path}/departure",
                lmc,
                json={"departure_date": START.isoformat()},
            )
        if step("arrived"):
            await self.api.call(
                "registry",
                "POST",
                f"{path}/arrival",
                self.operator,
                json={"arrival_date": START.isoformat()},
            )
        if step("contract_ended"):
            await self.api.call(
                "registry",
                "POST",
                f"{path}/contract-end",
                self.operator,
                json={"end_date": END.isoformat(), "reason": "completed"},
            )
        if grievance:
            raised = await self.api.json(
                "registry", "POST", f"{path}/grievances", lmc, json=self.grievance_body()
            )
            record.grievance = raised["id"]
        record.stage = stage
        return record

    async def case_of(self, record: Record, agency: Partner) -> str:
        """The visa case of the accepted placement, once the assigned agency sees it too."""
        found: list[str] = []

        async def opened() -> bool:
            page = await self.api.json(
                "visa", "GET", "/v1/cases", agency, params={"worker_id": record.worker}
            )
            found[:] = [c["id"] for c in page["items"]]
            return bool(found)

        await until(opened, what="the case, seen by the assigned agency", timeout=60)
        return found[0]

    async def stage_is(self, record: Record, stage: str) -> None:
        async def reached() -> bool:
            journey = await self.api.json(
                "registry", "GET", f"/v1/workers/{record.worker}/journey", self.lmc
            )
            return bool(journey["stage"] == stage)

        await until(reached, what=f"stage {stage}", timeout=60)

    async def delivery_to(self, record: Record) -> str:
        """A delivery to the worker (its welcome), once the notifications service made it."""
        found: list[str] = []

        async def made() -> bool:
            page = await self.api.json(
                "notifications",
                "GET",
                "/v1/deliveries",
                self.lmc,
                params={"worker_id": record.worker, "recipient": record.worker},
            )
            found[:] = [d["id"] for d in page["items"]]
            return bool(found)

        await until(made, what="the worker's deliveries", timeout=60)
        return found[0]

    async def endpoint_of(self, partner: Partner) -> str:
        """The organisation's webhook endpoint (made now unless it exists)."""
        if partner.id not in self.endpoints:
            root = await self.admin()
            made = await self.api.json(
                "notifications",
                "POST",
                "/v1/webhook-endpoints",
                root,
                json={"url": "https://partner.example.kz/hooks", "organisation_id": partner.id},
            )
            self.endpoints[partner.id] = made["id"]
        return self.endpoints[partner.id]

    # -- bodies ------------------------------------------------------------------------------

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def placement_body(self) -> dict[str, Any]:
        return placement_body(self.operator.id, farm_name="Farm", uk_region="Kent")

    def cos_body(self) -> dict[str, Any]:
        return {
            "cos_number": f"COS-ACC-{uuid.uuid4().hex[:10].upper()}",
            "issued_on": (TODAY - timedelta(days=3)).isoformat(),
        }

    def application_body(self) -> dict[str, Any]:
        return {
            "submitted_on": (TODAY - timedelta(days=2)).isoformat(),
            "application_reference": f"GWF{self.next():09d}",
        }

    def grant_body(self) -> dict[str, Any]:
        return {
            "outcome": "granted",
            "decided_on": TODAY.isoformat(),
            "visa_start": START.isoformat(),
            "visa_end": END.isoformat(),
        }

    def refusal_body(self) -> dict[str, Any]:
        return {
            "outcome": "refused",
            "decided_on": TODAY.isoformat(),
            "reason_code": "insufficient_documents",
            "reason_text": "Not verified.",
        }

    def grievance_body(self) -> dict[str, Any]:
        return {
            "category": "housing",
            "severity": "high",
            "raised_by": "worker",
            "description": "No heating.",
        }

    def worker_body(self) -> dict[str, Any]:
        return {
            "iin": valid_iin("990101", "3"),
            "given_name": "Bulk",
            "family_name": "Access",
            "date_of_birth": "1999-01-01",
            "sex": "female",
            "region": "Turkistan",
            "email": f"bulk{self.next()}@mail.example.kz",
            "preferred_language": "ru",
            "passport_number": "N44444444",
            "passport_expiry": "2035-01-01",
            "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
        }
