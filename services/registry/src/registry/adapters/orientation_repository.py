"""Orientation sessions and their attendance in PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import cast
from uuid import UUID

import asyncpg

from registry.domain.orientation import OrientationSession, OrientationTopic
from registry.domain.profile import Language

_COLUMNS = """s.id, s.organisation_id, s.session_date, s.language, s.trainer, s.location,
s.topics_covered, s.capacity, s.created_at"""
_ATTENDEES = "(SELECT count(*) FROM orientation_attendance a WHERE a.session_id = s.id)"


@dataclass(frozen=True)
class ScheduledSession:
    """A session as the registry keeps it: the domain's session, who runs it, and when it was
    entered. ``attendees`` is how many workers completed orientation in it so far."""

    session: OrientationSession
    organisation_id: UUID
    created_at: datetime
    attendees: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.session.capacity - self.attendees, 0)


class OrientationRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, scheduled: ScheduledSession) -> None:
        s = scheduled.session
        await self._conn.execute(
            "INSERT INTO orientation_session (id, organisation_id, session_date, language,"
            " trainer, location, topics_covered, capacity, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            s.id, scheduled.organisation_id, s.date, s.language.value, s.trainer_name,
            s.location, sorted(s.topics_covered), s.capacity, scheduled.created_at,
        )  # fmt: skip

    async def get(self, session_id: UUID, *, for_update: bool = False) -> ScheduledSession | None:
        """The session; ``for_update`` locks it, so that completions in it are counted one
        after the other and its capacity holds."""
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS}, 0 AS attendees FROM orientation_session s WHERE s.id = $1{lock}",
            session_id,
        )
        if row is None:
            return None
        # Counted in a statement of its own: under READ COMMITTED it then sees the seats taken
        # by the transaction the lock waited for, which the locking statement's snapshot does not.
        attendees = await self._conn.fetchval(
            "SELECT count(*) FROM orientation_attendance WHERE session_id = $1", session_id
        )
        return replace(_scheduled(row), attendees=attendees)

    async def list(
        self,
        *,
        organisation_id: UUID | None,
        lmc_only: bool,
        on_or_after: date | None,
        language: str | None,
        after: tuple[date, UUID] | None,
        limit: int,
    ) -> list[ScheduledSession]:
        """Sessions by date; ``organisation_id`` None: every organisation's."""
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS}, {_ATTENDEES} AS attendees FROM orientation_session s"
            " JOIN organisation o ON o.id = s.organisation_id"
            " WHERE ($1::uuid IS NULL OR s.organisation_id = $1)"
            " AND (NOT $2::boolean OR o.kind = 'lmc')"
            " AND ($3::date IS NULL OR s.session_date >= $3)"
            " AND ($4::text IS NULL OR s.language = $4)"
            " AND ($5::date IS NULL OR (s.session_date, s.id) > ($5, $6::uuid))"
            " ORDER BY s.session_date, s.id LIMIT $7",
            organisation_id,
            lmc_only,
            on_or_after,
            language,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [_scheduled(row) for row in rows]

    async def record_attendance(self, session_id: UUID, worker_id: UUID, attended_on: date) -> None:
        """Take a seat for the worker (a worker already seated in the session keeps one)."""
        await self._conn.execute(
            "INSERT INTO orientation_attendance (session_id, worker_id, attended_on)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            session_id,
            worker_id,
            attended_on,
        )

    async def attends(self, session_id: UUID, worker_id: UUID) -> bool:
        """Whether the worker has a seat in the session already."""
        found = await self._conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM orientation_attendance"
            " WHERE session_id = $1 AND worker_id = $2)",
            session_id,
            worker_id,
        )
        return bool(found)


def _scheduled(row: asyncpg.Record) -> ScheduledSession:
    session = OrientationSession(
        id=row["id"],
        date=row["session_date"],
        language=Language(row["language"]),
        trainer_name=row["trainer"],
        location=row["location"],
        topics_covered=frozenset(cast(list[OrientationTopic], row["topics_covered"])),
        capacity=row["capacity"],
    )
    return ScheduledSession(session, row["organisation_id"], row["created_at"], row["attendees"])
