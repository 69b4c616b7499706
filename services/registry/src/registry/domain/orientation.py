"""Pre-Departure Orientation: the sessions an LMC runs and a worker's completion of one.

Completion needs a session that covered all four mandatory topics. A session that covered fewer
is refused rather than recorded as partial attendance: departure needs every topic, and a
partial record would only invite a second, incomplete path to the same stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args
from uuid import UUID

from registry.domain.errors import InvalidWorkerData
from registry.domain.profile import Language
from registry.domain.values import check_text

OrientationTopic = Literal[
    "health_and_safety", "living_conditions", "emergency_contacts", "financial_literacy"
]
MANDATORY_TOPICS: frozenset[OrientationTopic] = frozenset(get_args(OrientationTopic))


@dataclass(frozen=True)
class OrientationSession:
    id: UUID
    date: date
    language: Language
    trainer_name: str
    location: str
    topics_covered: frozenset[OrientationTopic]
    capacity: int  # seats; counting attendees across workers is the application's job

    def validate(self) -> None:
        check_text(self.trainer_name, "trainer_name")
        check_text(self.location, "location")
        if self.capacity < 1:
            raise InvalidWorkerData("a session has at least one seat", field="capacity")
        unknown = set(self.topics_covered) - MANDATORY_TOPICS
        if unknown:
            raise InvalidWorkerData(
                f"unknown topics: {', '.join(sorted(unknown))}", field="topics_covered"
            )


@dataclass(frozen=True)
class OrientationRecord:
    """A completed orientation, kept per season: each season needs its own before departure."""

    session_id: UUID
    season: int
    session_date: date
    language: Language
    trainer_name: str
    topics_covered: frozenset[OrientationTopic]
    attended_on: date
    completed_at: datetime


def check_completion(session: OrientationSession, attended_on: date) -> None:
    session.validate()
    missing = MANDATORY_TOPICS - session.topics_covered
    if missing:
        raise InvalidWorkerData(
            f"the session did not cover {', '.join(sorted(missing))}: orientation is complete"
            " only with all four topics",
            field="topics_covered",
        )
    if attended_on != session.date:
        raise InvalidWorkerData(
            f"the session took place on {session.date.isoformat()}", field="attended_on"
        )
