"""The reporting service's unit of work (projections write through its connection)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import ClassVar, cast
from uuid import UUID

from opentelemetry import context as otel_context

from reporting.adapters import projection_changes
from reporting.application.pseudonyms import Pseudonyms
from reporting.config import DEVELOPMENT_PSEUDONYM_KEY, ReportingSettings
from servicekit.unit_of_work import UnitOfWork

# Set while the rebuild replays the topics: snapshots are then published once at the end
# instead of after every event (a replay would otherwise publish every intermediate state).
SNAPSHOTS_DEFERRED: ContextVar[bool] = ContextVar("snapshots_deferred", default=False)


@dataclass(frozen=True)
class PendingSnapshot:
    """Where a worker's snapshot refresh comes from: the last event that changed the worker."""

    correlation_id: str | None
    trace: otel_context.Context


class ReportingUnitOfWork(UnitOfWork):
    pseudonyms: ClassVar[Pseudonyms] = Pseudonyms(DEVELOPMENT_PSEUDONYM_KEY)

    def _open(self) -> None:
        self.pending_snapshots: dict[UUID, PendingSnapshot] = {}

    def refresh_snapshot_later(self, worker_id: UUID) -> None:
        """Refresh the worker's snapshot once, before this transaction commits."""
        self.pending_snapshots.pop(worker_id, None)  # keep the order of the last changes
        self.pending_snapshots[worker_id] = PendingSnapshot(
            self.correlation_id, otel_context.get_current()
        )

    async def _before_commit(self) -> None:
        if self.pending_snapshots:
            # deferred import: the projections import this module
            from reporting.projections.snapshots import publish_pending

            await publish_pending(self, self.pending_snapshots)
            self.pending_snapshots = {}

    async def _after_commit(self) -> None:
        await projection_changes.mark_changed(self.conn)  # cached figures are now out of date

    @property
    def snapshots_deferred(self) -> bool:
        return SNAPSHOTS_DEFERRED.get()

    @classmethod
    def configured(cls, settings: ReportingSettings) -> type[ReportingUnitOfWork]:
        """A subclass bound to the settings' pseudonym key (the kit builds units of work from
        a class, so the key travels as a class attribute)."""
        pseudonyms = Pseudonyms(settings.pseudonym_key.get_secret_value())
        bound = type(cls.__name__, (cls,), {"pseudonyms": pseudonyms, "__module__": __name__})
        return cast(type[ReportingUnitOfWork], bound)
