"""Partner organisations for tests: registered and given an API key the way the registry's
events teach the service (OrganisationRegistered, ApiKeyIssued through the event processor)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts.events.organisation import ApiKeyIssued, OrganisationRegistered
from notifications.testing.events import record_of
from servicekit.access import issue_key
from servicekit.inbox import Outcome
from servicekit.service import Runtime


@dataclass(frozen=True)
class Partner:
    organisation_id: uuid.UUID
    name: str
    kind: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


async def register_partner(
    runtime: Runtime[Any], name: str, kind: str, organisation_id: uuid.UUID | None = None
) -> Partner:
    organisation_id = organisation_id or uuid.uuid4()
    now = datetime.now(UTC)
    key = issue_key()
    events = [
        OrganisationRegistered(organisation_id=organisation_id, name=name, kind=kind,
                               region="Turkistan" if kind == "lmc" else None, occurred_at=now),
        ApiKeyIssued(key_id=key.key_id, organisation_id=organisation_id, role=kind,
                     key_hash=key.key_hash, occurred_at=now),
    ]  # fmt: skip
    for version, event in enumerate(events, start=1):
        record = record_of(event, subject=str(organisation_id), key=str(organisation_id),
                           version=version)  # fmt: skip
        assert await runtime.processor.process(record) is Outcome.APPLIED
    return Partner(organisation_id, name, kind, key.secret)
