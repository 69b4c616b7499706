"""Pre-Departure Orientation sessions: LMCs schedule them; workers take a seat in one when their
completion is recorded (see journey.complete_orientation), up to the session's capacity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from registry.adapters.orientation_repository import OrientationRepository, ScheduledSession
from registry.application.permissions import orientation_session_scope, require_actor, require_lmc
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import DomainError, NotPermitted
from registry.domain.orientation import OrientationSession, OrientationTopic
from registry.domain.profile import Language


class OrientationSessionNotFound(DomainError):
    def __init__(self, session_id: UUID, *, field: str | None = None) -> None:
        super().__init__(f"no orientation session {session_id}", field=field)
        self.session_id = session_id


class OrientationSessionFull(DomainError):
    def __init__(self, session_id: UUID, capacity: int) -> None:
        super().__init__(
            f"orientation session {session_id} is full: all {capacity} seats are taken",
            field="session_id",
        )
        self.session_id = session_id


@dataclass(frozen=True)
class ScheduleSession:
    session_date: date
    language: Language
    trainer_name: str
    location: str
    topics_covered: frozenset[OrientationTopic]
    capacity: int


def sessions(uow: RegistryUnitOfWork) -> OrientationRepository:
    """The unit of work's orientation sessions, on its connection and transaction."""
    return OrientationRepository(uow.conn)


async def schedule_session(uow: RegistryUnitOfWork, command: ScheduleSession) -> ScheduledSession:
    actor = require_actor(uow.actor)
    require_lmc(actor)
    organisation = await uow.organisations.get(actor.organisation_id)
    if organisation is None or not organisation.active:
        raise NotPermitted("the organisation is inactive")
    session = OrientationSession(
        id=uuid.uuid4(),
        date=command.session_date,
        language=command.language,
        trainer_name=command.trainer_name,
        location=command.location,
        topics_covered=command.topics_covered,
        capacity=command.capacity,
    )
    session.validate()
    scheduled = ScheduledSession(session, organisation.id, datetime.now(UTC))
    await sessions(uow).add(scheduled)
    after = {
        "organisation_id": organisation.id,
        "session_date": session.date,
        "language": session.language.value,
        "capacity": session.capacity,
        "topics_covered": sorted(session.topics_covered),
    }
    await uow.audit(
        "orientation_session.scheduled", "orientation_session", session.id, before=None, after=after
    )
    return scheduled


async def list_sessions(
    uow: RegistryUnitOfWork,
    *,
    on_or_after: date | None,
    language: Language | None,
    after: tuple[date, UUID] | None,
    limit: int,
) -> list[ScheduledSession]:
    """Every LMC's sessions for agencies, the ministry and admins; an LMC's own for an LMC."""
    scope = orientation_session_scope(require_actor(uow.actor))
    return await sessions(uow).list(
        organisation_id=scope,
        lmc_only=scope is None,
        on_or_after=on_or_after,
        language=language.value if language else None,
        after=after,
        limit=limit,
    )


async def get_session(uow: RegistryUnitOfWork, session_id: UUID) -> ScheduledSession:
    scope = orientation_session_scope(require_actor(uow.actor))
    found = await sessions(uow).get(session_id)
    if found is None or scope not in (None, found.organisation_id):
        raise OrientationSessionNotFound(session_id)
    return found


async def take_seat(uow: RegistryUnitOfWork, session_id: UUID, worker_id: UUID) -> ScheduledSession:
    """Seat the worker in the session (any LMC's), unless it is full; the seat is kept only if
    the unit of work commits, so a refused completion frees it again."""
    repository = sessions(uow)
    scheduled = await repository.get(session_id, for_update=True)
    if scheduled is None:
        raise OrientationSessionNotFound(session_id, field="session_id")
    seated = await repository.attends(session_id, worker_id)
    if not seated and scheduled.seats_left == 0:
        raise OrientationSessionFull(session_id, scheduled.session.capacity)
    await repository.record_attendance(session_id, worker_id, scheduled.session.date)
    return scheduled
