"""Bodies of the orientation-session routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry.adapters.orientation_repository import ScheduledSession
from registry.domain.orientation import OrientationTopic
from registry.domain.profile import Language
from servicekit.http.text import NO_NUL

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]


class OrientationSessionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "session_date": "2027-02-01",
                    "language": "kk",
                    "trainer_name": "Gulnara Sadykova",
                    "location": "Turkistan LMC, room 2",
                    "topics_covered": [
                        "health_and_safety",
                        "living_conditions",
                        "emergency_contacts",
                        "financial_literacy",
                    ],
                    "capacity": 30,
                }
            ]
        },
    )

    session_date: date
    language: Language = Field(description="The language the session is given in: kk, ru or en.")
    trainer_name: Text
    location: Text
    topics_covered: list[OrientationTopic] = Field(
        min_length=1,
        description="A worker's orientation is complete only with a session that covered all"
        " four topics.",
    )
    capacity: int = Field(ge=1, le=10_000, description="Seats: workers who may complete it.")


class OrientationSessionPublic(BaseModel):
    id: UUID
    organisation_id: UUID = Field(description="The LMC that runs it.")
    session_date: date
    language: Language
    trainer_name: str
    location: str
    topics_covered: list[OrientationTopic]
    capacity: int
    attendees: int = Field(description="Workers who completed orientation in it so far.")
    seats_left: int
    created_at: datetime


def session_public(scheduled: ScheduledSession) -> OrientationSessionPublic:
    s = scheduled.session
    return OrientationSessionPublic(
        id=s.id,
        organisation_id=scheduled.organisation_id,
        session_date=s.date,
        language=s.language,
        trainer_name=s.trainer_name,
        location=s.location,
        topics_covered=sorted(s.topics_covered),
        capacity=s.capacity,
        attendees=scheduled.attendees,
        seats_left=scheduled.seats_left,
        created_at=scheduled.created_at,
    )
