"""The analytics stream: a worker's journey snapshot, published through the outbox when it changes.

Just before a transaction that changed workers' projections commits (one event, or a consumer's
whole batch), it copies those workers' rows from the ``journey_snapshot_live`` view into the
``journey_snapshot`` table, which the figures read, then builds each snapshot from them, so it is
exactly what the statistics say. The work is set-based (a few statements for all the workers of
the transaction, however many events touched them). A digest of the last published snapshot per
worker means nothing is published when the events changed nothing visible (or when a rebuild
arrives at the same state). Per-worker advisory locks, taken in one order, serialise concurrent
transactions that touch one worker (its journey and its visa cases travel on different topics):
the later one computes its snapshot after the earlier one committed, so the last snapshot
published is always complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg
from opentelemetry import context as otel_context

from contracts.events.analytics import JourneySnapshotUpdated, SeasonJourney
from reporting.application.unit_of_work import PendingSnapshot, ReportingUnitOfWork

_LOCK_CLASS = 0x5250  # "RP": advisory locks of reporting's snapshots

_JOURNEY_FIELDS = tuple(
    name for name in SeasonJourney.model_fields if name not in ("journey_number",)
)
_JOURNEY_COLUMNS = "worker_id, journey_no, last_event_at, " + ", ".join(_JOURNEY_FIELDS)
_SELECT_JOURNEYS = (
    f"SELECT {_JOURNEY_COLUMNS} FROM journey_snapshot WHERE worker_id = ANY($1::uuid[])"
)
_MATERIALISE = (
    "INSERT INTO journey_snapshot SELECT * FROM journey_snapshot_live"
    f" WHERE worker_id = ANY($1::uuid[]) RETURNING {_JOURNEY_COLUMNS}"
)
_SELECT_WORKERS = (
    "SELECT worker_id, pseudonym, region, sex, preferred_language, organisation_id,"
    " registered_on, last_event_at FROM worker WHERE worker_id = ANY($1::uuid[])"
)
# Locks in the callers' order (sorted), so two transactions never wait for each other in turn.
_LOCK = (
    "SELECT pg_advisory_xact_lock($1, hashtext(w.id)) FROM unnest($2::text[])"
    " WITH ORDINALITY AS w(id, n) ORDER BY w.n"
)
_RECORD_DIGESTS = (
    "INSERT INTO snapshot_published (worker_id, digest)"
    " SELECT * FROM unnest($1::uuid[], $2::text[])"
    " ON CONFLICT (worker_id) DO UPDATE SET digest = EXCLUDED.digest, published_at = now()"
    " WHERE snapshot_published.digest <> EXCLUDED.digest RETURNING worker_id"
)


async def build_snapshot(
    conn: asyncpg.Connection, worker_id: UUID
) -> JourneySnapshotUpdated | None:
    """The worker's snapshot as the projections have it now; None before any journey fact."""
    journeys = await conn.fetch(_SELECT_JOURNEYS, [worker_id])
    return (await _snapshots(conn, [worker_id], journeys)).get(worker_id)


async def _snapshots(
    conn: asyncpg.Connection, worker_ids: Sequence[UUID], journeys: Iterable[asyncpg.Record]
) -> dict[UUID, JourneySnapshotUpdated]:
    """The snapshots of the workers that have a worker row and at least one journey."""
    by_worker: dict[UUID, list[asyncpg.Record]] = {}
    for row in journeys:
        by_worker.setdefault(row["worker_id"], []).append(row)
    workers = await conn.fetch(_SELECT_WORKERS, list(worker_ids)) if by_worker else []
    return {
        worker["worker_id"]: _snapshot(worker, by_worker[worker["worker_id"]])
        for worker in workers
        if worker["worker_id"] in by_worker
    }


def _snapshot(worker: asyncpg.Record, rows: list[asyncpg.Record]) -> JourneySnapshotUpdated:
    rows.sort(key=lambda row: row["journey_no"])
    journeys = [
        SeasonJourney(journey_number=row["journey_no"], **{f: row[f] for f in _JOURNEY_FIELDS})
        for row in rows
    ]
    moments = [m for m in (worker["last_event_at"], *(r["last_event_at"] for r in rows)) if m]
    current = journeys[-1]
    return JourneySnapshotUpdated(
        pseudonymous_worker_id=worker["pseudonym"],
        region=worker["region"],
        sex=worker["sex"],
        preferred_language=worker["preferred_language"],
        organisation_id=worker["organisation_id"],
        registered_on=worker["registered_on"],
        current_season=current.season,
        current_stage=current.stage,
        journeys=journeys,
        occurred_at=max(moments),
    )


def digest(snapshot: JourneySnapshotUpdated) -> str:
    """What identifies the snapshot's content (its timestamp left out)."""
    return hashlib.sha256(snapshot.model_dump_json(exclude={"occurred_at"}).encode()).hexdigest()


async def refresh_snapshot(uow: ReportingUnitOfWork, worker_id: UUID) -> None:
    """Have the worker's snapshot refreshed (and published if it changed) just before ``uow``
    commits; see ``publish_pending``.

    While a rebuild replays the topics this does nothing: the rebuild publishes once at the end.
    """
    if not uow.snapshots_deferred:
        uow.refresh_snapshot_later(worker_id)


async def publish_pending(uow: ReportingUnitOfWork, pending: Mapping[UUID, PendingSnapshot]) -> int:
    """Refresh the snapshots of the workers the transaction changed; returns how many were
    published (each with the correlation id and trace of the last event that changed it)."""
    return await publish_changed(uow, pending, materialised=False)


async def materialise_all(conn: asyncpg.Connection) -> int:
    """Copy every journey from the live view (after a rebuild); returns how many."""
    await conn.execute("TRUNCATE journey_snapshot")
    status = await conn.execute("INSERT INTO journey_snapshot SELECT * FROM journey_snapshot_live")
    await conn.execute("ANALYZE journey_snapshot")
    return int(status.split()[-1])


async def publish_changed(
    uow: ReportingUnitOfWork,
    pending: Mapping[UUID, PendingSnapshot | None],
    *,
    materialised: bool,
) -> int:
    """Lock the workers, copy their journeys from the live view (unless ``materialised``), and
    publish the snapshots that differ from the last published ones; returns how many."""
    ids = sorted(pending, key=str)
    await uow.conn.execute(_LOCK, _LOCK_CLASS, [str(worker_id) for worker_id in ids])
    if materialised:
        journeys = await uow.conn.fetch(_SELECT_JOURNEYS, ids)
    else:
        await uow.conn.execute("DELETE FROM journey_snapshot WHERE worker_id = ANY($1)", ids)
        journeys = await uow.conn.fetch(_MATERIALISE, ids)
    snapshots = await _snapshots(uow.conn, ids, journeys)
    if not snapshots:
        return 0
    changed = await uow.conn.fetch(
        _RECORD_DIGESTS, list(snapshots), [digest(s) for s in snapshots.values()]
    )
    for row in changed:
        await _publish(uow, snapshots[row["worker_id"]], pending[row["worker_id"]])
    return len(changed)


async def _publish(
    uow: ReportingUnitOfWork, snapshot: JourneySnapshotUpdated, origin: PendingSnapshot | None
) -> None:
    """Publish ``snapshot`` as a consequence of the event that last changed it."""
    token = otel_context.attach(origin.trace) if origin is not None else None
    correlation_id = uow.correlation_id
    if origin is not None:
        uow.correlation_id = origin.correlation_id
    try:
        await uow.publish(
            snapshot,
            subject=snapshot.pseudonymous_worker_id,
            key=snapshot.pseudonymous_worker_id,
            organisation_id=str(snapshot.organisation_id) if snapshot.organisation_id else None,
        )
    finally:
        uow.correlation_id = correlation_id
        if token is not None:
            otel_context.detach(token)


async def publish_all_changed(
    unit_of_work: Any, worker_ids: Iterable[UUID], batch: int = 200
) -> int:
    """Publish the snapshots that differ from what was last published (after a rebuild, which
    has materialised every journey), ``batch`` workers per transaction; returns how many were
    published."""
    published = 0
    pending = list(worker_ids)
    for start in range(0, len(pending), batch):
        async with unit_of_work() as uow:
            chunk = dict.fromkeys(pending[start : start + batch])
            published += await publish_changed(uow, chunk, materialised=True)
    return published
