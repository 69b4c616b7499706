"""Domain events: what happened to an aggregate, before anyone outside is told.

They are mapped to contract events in one place (application/integration.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class DomainEvent:
    worker_id: UUID
    occurred_at: datetime


@dataclass(frozen=True)
class WorkerRegistered(DomainEvent):
    pass
