"""Helpers for tests of the visa service on the real stack (like ``servicekit.testing``): the
registry's events delivered through the service's own event processor, exactly as the
consumer would, with the aggregate versions the registry's outbox would give them.

Nothing here is used by the service itself.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent, to_kafka_headers
from contracts.events.organisation import ApiKeyIssued, OrganisationRegistered
from contracts.events.placement import PlacementAccepted
from contracts.events.registry import WorkerRegistered
from servicekit.access import issue_key
from servicekit.inbox import Outcome
from servicekit.messaging import ReceivedRecord
from servicekit.service import Runtime

_LICENSED = {"agency", "operator"}


@dataclass(frozen=True)
class Party:
    """An organisation known to the visa service, with an API key of its own."""

    organisation_id: uuid.UUID
    kind: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass(frozen=True)
class OpenedCase:
    worker_id: uuid.UUID
    placement_id: uuid.UUID
    case_id: uuid.UUID
    placement_start: date
    placement_end: date

    @property
    def path(self) -> str:
        return f"/v1/cases/{self.case_id}"


class RegistryFeed:
    """Delivers registry events to a visa service's processor, one version after another per
    aggregate (worker or organisation), as the registry's outbox numbers them."""

    def __init__(self, runtime: Runtime[Any]) -> None:
        self.runtime = runtime
        self._versions: dict[str, int] = defaultdict(int)

    def record(
        self,
        event: IntegrationEvent,
        *,
        subject: str,
        version: int | None = None,
        event_id: str | None = None,
    ) -> ReceivedRecord:
        """The Kafka record of ``event``; the next version of ``subject`` unless given."""
        if version is None:
            self._versions[subject] += 1
            version = self._versions[subject]
        envelope = CloudEvent.create(
            event, source="/sws/registry", subject=subject, key=subject, event_id=event_id
        ).model_copy(update={"aggregateversion": version})
        headers = tuple(
            (name, value.encode()) for name, value in to_kafka_headers(envelope).items()
        )
        return ReceivedRecord(event.topic, subject.encode(), envelope.data, headers)

    async def deliver(self, record: ReceivedRecord) -> Outcome:
        return await self.runtime.processor.process(record)

    async def send(self, event: IntegrationEvent, *, subject: str) -> Outcome:
        return await self.deliver(self.record(event, subject=subject))

    async def party(self, kind: str, **licence: Any) -> Party:
        """Register an organisation of ``kind`` and issue it a key, as the registry announces."""
        organisation_id = uuid.uuid4()
        if kind in _LICENSED:
            licence.setdefault("licence_number", f"LIC-{organisation_id.hex[:6]}")
        if kind == "agency":
            licence.setdefault("licence_valid_until", date(2099, 12, 31))
        registered = OrganisationRegistered(
            organisation_id=organisation_id,
            name=f"{kind} {organisation_id.hex[:6]}",
            kind=kind,
            occurred_at=datetime.now(UTC),
            **licence,
        )
        key = issue_key()
        issued = ApiKeyIssued(
            key_id=key.key_id,
            organisation_id=organisation_id,
            role=kind,
            key_hash=key.key_hash,
            occurred_at=datetime.now(UTC),
        )
        for event in (registered, issued):
            outcome = await self.send(event, subject=str(organisation_id))
            assert outcome is Outcome.APPLIED, outcome
        return Party(organisation_id, kind, key.secret)

    async def open_case(
        self,
        owner: Party,
        operator: Party,
        *,
        start: date,
        days: int = 150,
        date_of_birth: date = date(1998, 4, 12),
        passport_expiry: date = date(2035, 6, 30),
    ) -> OpenedCase:
        """A worker registered by ``owner`` accepts a placement with ``operator``: the
        registry's two events, and the case they open."""
        worker_id = uuid.uuid4()
        subject = str(worker_id)
        registered = worker_registered(
            worker_id,
            owner.organisation_id,
            date_of_birth=date_of_birth,
            passport_expiry=passport_expiry,
        )
        accepted = placement_accepted(
            worker_id, owner.organisation_id, operator.organisation_id, start=start, days=days
        )
        for event in (registered, accepted):
            outcome = await self.send(event, subject=subject)
            assert outcome is Outcome.APPLIED, outcome
        case_id = await self.runtime.pool.fetchval(
            "SELECT id FROM visa_case WHERE placement_id = $1", accepted.placement_id
        )
        assert case_id is not None, "the acceptance opened no case"
        return OpenedCase(worker_id, accepted.placement_id, case_id, start, accepted.end_date)


def worker_registered(
    worker_id: uuid.UUID,
    organisation_id: uuid.UUID,
    *,
    date_of_birth: date = date(1998, 4, 12),
    passport_expiry: date = date(2031, 6, 30),
    at: datetime | None = None,
) -> WorkerRegistered:
    return WorkerRegistered(
        worker_id=worker_id,
        organisation_id=organisation_id,
        region="Turkistan",
        sex="female",
        date_of_birth=date_of_birth,
        preferred_language="kk",
        passport_expiry=passport_expiry,
        registered_at=at or datetime.now(UTC),
    )


def placement_accepted(
    worker_id: uuid.UUID,
    organisation_id: uuid.UUID,
    operator_id: uuid.UUID,
    *,
    start: date,
    days: int = 150,
    placement_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> PlacementAccepted:
    return PlacementAccepted(
        worker_id=worker_id,
        organisation_id=organisation_id,
        placement_id=placement_id or uuid.uuid4(),
        operator_id=operator_id,
        sector="horticulture",
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        occurred_at=at or datetime.now(UTC),
    )
