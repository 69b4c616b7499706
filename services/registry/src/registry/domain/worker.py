"""The worker aggregate: who the worker is and where the journey stands. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from registry.domain import events
from registry.domain.errors import InvalidWorkerData
from registry.domain.iin import IIN


class Stage(StrEnum):
    REGISTERED = "registered"
    SCREENED = "screened"
    ORIENTED = "oriented"
    MATCHED = "matched"
    VISA_GRANTED = "visa_granted"
    VISA_REFUSED = "visa_refused"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    CONTRACT_ENDED = "contract_ended"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Language(StrEnum):
    KAZAKH = "kk"
    RUSSIAN = "ru"
    ENGLISH = "en"


@dataclass(frozen=True)
class Consent:
    """Consent to data processing: when it was given and which text the worker agreed to."""

    given_at: datetime
    text_version: str


@dataclass(frozen=True)
class Profile:
    given_name: str
    family_name: str
    patronymic: str | None
    date_of_birth: date
    sex: Sex
    region: str
    phone: str | None
    email: str | None
    preferred_language: Language
    passport_number: str
    passport_expiry: date

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.patronymic, self.family_name) if p)


@dataclass
class Worker:
    id: UUID
    iin: IIN
    organisation_id: UUID
    profile: Profile
    consent: Consent
    registered_at: datetime
    stage: Stage = Stage.REGISTERED
    version: int = 0
    events: list[events.DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        *,
        worker_id: UUID,
        iin: IIN,
        organisation_id: UUID,
        profile: Profile,
        consent: Consent,
        now: datetime,
    ) -> Worker:
        if profile.date_of_birth >= now.date():
            raise InvalidWorkerData("the date of birth must be in the past", field="date_of_birth")
        if profile.phone is None and profile.email is None:
            raise InvalidWorkerData("a phone number or an e-mail address is needed", field="phone")
        worker = cls(worker_id, iin, organisation_id, profile, consent, registered_at=now)
        worker.events.append(events.WorkerRegistered(worker_id, now))
        return worker

    def warnings(self) -> list[str]:
        """Things worth checking that do not stop registration."""
        found = []
        encoded = self.iin.birth_date()
        if encoded is not None and encoded != self.profile.date_of_birth:
            found.append(
                f"the IIN encodes the birth date {encoded.isoformat()}, the date of birth given"
                f" is {self.profile.date_of_birth.isoformat()}"
            )
        return found
