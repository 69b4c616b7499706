"""The analytics stream: a worker's journey snapshot, published through the outbox when it changes.

The transaction that changed a worker's projections first copies the worker's rows from the
``journey_snapshot_live`` view into the ``journey_snapshot`` table, which the figures read, then
builds the snapshot from them, so it is exactly what the statistics say. A digest of the last
published snapshot per worker means nothing is published when an event changes nothing visible
(or when a rebuild arrives at the same state). A per-worker advisory lock orders concurrent
transactions that touch one worker (its journey and its visa cases travel on different topics):
the later one computes its snapshot after the earlier one committed, so the last snapshot
published is always complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import asyncpg

from contracts.events.analytics import JourneySnapshotUpdated, SeasonJourney
from reporting.application.unit_of_work import ReportingUnitOfWork

_LOCK_CLASS = 0x5250  # "RP": advisory locks of reporting's snapshots

_JOURNEY_FIELDS = tuple(
    name for name in SeasonJourney.model_fields if name not in ("journey_number",)
)
_SELECT_JOURNEYS = (
    "SELECT journey_no, last_event_at, "
    + ", ".join(_JOURNEY_FIELDS)
    + " FROM journey_snapshot WHERE worker_id = $1 ORDER BY journey_no"
)


async def build_snapshot(
    conn: asyncpg.Connection, worker_id: UUID
) -> JourneySnapshotUpdated | None:
    """The worker's snapshot as the projections have it now; None before any journey fact."""
    worker = await conn.fetchrow(
        "SELECT pseudonym, region, sex, preferred_language, organisation_id, registered_on,"
        " last_event_at FROM worker WHERE worker_id = $1",
        worker_id,
    )
    if worker is None:
        return None
    rows = await conn.fetch(_SELECT_JOURNEYS, worker_id)
    if not rows:
        return None
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


async def refresh_snapshot(uow: ReportingUnitOfWork, worker_id: UUID) -> bool:
    """Publish the worker's snapshot if it changed; returns True when it published one.

    While a rebuild replays the topics this does nothing: the rebuild publishes once at the end.
    """
    if uow.snapshots_deferred:
        return False
    return await publish_if_changed(uow, worker_id)


async def materialise(conn: asyncpg.Connection, worker_id: UUID) -> None:
    """Copy the worker's journeys from the live view into the table the figures read."""
    await conn.execute("DELETE FROM journey_snapshot WHERE worker_id = $1", worker_id)
    await conn.execute(
        "INSERT INTO journey_snapshot SELECT * FROM journey_snapshot_live WHERE worker_id = $1",
        worker_id,
    )


async def materialise_all(conn: asyncpg.Connection) -> int:
    """Copy every journey from the live view (after a rebuild); returns how many."""
    await conn.execute("TRUNCATE journey_snapshot")
    status = await conn.execute("INSERT INTO journey_snapshot SELECT * FROM journey_snapshot_live")
    await conn.execute("ANALYZE journey_snapshot")
    return int(status.split()[-1])


async def publish_if_changed(
    uow: ReportingUnitOfWork, worker_id: UUID, *, materialised: bool = False
) -> bool:
    await uow.conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK_CLASS, str(worker_id)
    )
    if not materialised:
        await materialise(uow.conn, worker_id)
    snapshot = await build_snapshot(uow.conn, worker_id)
    if snapshot is None:
        return False
    content = digest(snapshot)
    changed = await uow.conn.fetchval(
        "INSERT INTO snapshot_published (worker_id, digest) VALUES ($1, $2)"
        " ON CONFLICT (worker_id) DO UPDATE SET digest = EXCLUDED.digest, published_at = now()"
        " WHERE snapshot_published.digest <> EXCLUDED.digest RETURNING true",
        worker_id,
        content,
    )
    if not changed:
        return False
    await uow.publish(
        snapshot,
        subject=snapshot.pseudonymous_worker_id,
        key=snapshot.pseudonymous_worker_id,
        organisation_id=str(snapshot.organisation_id) if snapshot.organisation_id else None,
    )
    return True


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
            for worker_id in pending[start : start + batch]:
                published += await publish_if_changed(uow, worker_id, materialised=True)
    return published
