"""The worker aggregate: who the worker is and where the journey stands. No I/O here.

The root holds the state; the journey's steps come from mixins, one module per part of the
journey (see worker_state.py). Children are plain frozen dataclasses a repository can persist.
Each step checks the transition table first, then its data, and only then changes anything,
recording exactly one domain event in ``events``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from uuid import UUID

from registry.domain import events
from registry.domain.errors import InvalidWorkerData
from registry.domain.fees import FeeReport
from registry.domain.grievance import Grievance
from registry.domain.iin import IIN
from registry.domain.journey import Stage, Withdrawal
from registry.domain.orientation import OrientationRecord
from registry.domain.placement import Placement
from registry.domain.profile import FULL_NAME_LENGTH, Consent, Language, Profile, Sex
from registry.domain.screening import Screening, UkStay
from registry.domain.travel import Trip
from registry.domain.visa import VisaCase
from registry.domain.welfare import WelfareCheck
from registry.domain.worker_abroad import AbroadSteps
from registry.domain.worker_compliance import ComplianceSteps
from registry.domain.worker_preparation import PreparationSteps
from registry.domain.worker_visa import VisaSteps

__all__ = ["Consent", "Language", "Profile", "Sex", "Stage", "Worker"]


_PROFILE_FIELDS = tuple(f.name for f in fields(Profile))
# Changes the journey's consumers see, and changes only the notifications service needs.
_SHARED_FIELDS = frozenset(
    {"region", "sex", "date_of_birth", "preferred_language", "passport_expiry"}
)
_CONTACT_FIELDS = frozenset(
    {"given_name", "family_name", "patronymic", "phone", "email", "preferred_language"}
)


@dataclass
class Worker(PreparationSteps, VisaSteps, AbroadSteps, ComplianceSteps):
    id: UUID
    iin: IIN
    organisation_id: UUID
    profile: Profile
    consent: Consent
    registered_at: datetime
    stage: Stage = Stage.REGISTERED
    version: int = 0
    season: int | None = None
    screenings: list[Screening] = field(default_factory=list)
    orientations: list[OrientationRecord] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    visa_cases: list[VisaCase] = field(default_factory=list)
    trips: list[Trip] = field(default_factory=list)
    uk_stays: list[UkStay] = field(default_factory=list)
    welfare_checks: list[WelfareCheck] = field(default_factory=list)
    grievances: list[Grievance] = field(default_factory=list)
    fees: list[FeeReport] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    overstay_flagged_seasons: set[int] = field(default_factory=set)
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
        _check_profile(profile, now)
        worker = cls(worker_id, iin, organisation_id, profile, consent, registered_at=now)
        worker.events.append(events.WorkerRegistered(worker_id, now))
        return worker

    def update_profile(self, profile: Profile, now: datetime) -> list[str]:
        """Replace the profile; returns the names of the fields that changed."""
        _check_profile(profile, now)
        changed = [
            name
            for name in _PROFILE_FIELDS
            if getattr(profile, name) != getattr(self.profile, name)
        ]
        if not changed:
            return []
        self.profile = profile
        self.events.append(
            events.WorkerProfileUpdated(
                self.id,
                now,
                profile_fields=tuple(f for f in changed if f in _SHARED_FIELDS),
                contact_changed=any(f in _CONTACT_FIELDS for f in changed),
            )
        )
        return changed

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


def _check_profile(profile: Profile, now: datetime) -> None:
    if profile.date_of_birth >= now.date():
        raise InvalidWorkerData("the date of birth must be in the past", field="date_of_birth")
    if profile.phone is None and profile.email is None:
        raise InvalidWorkerData("a phone number or an e-mail address is needed", field="phone")
    # The full name travels to the notifications service on the contact topic, which carries
    # at most FULL_NAME_LENGTH characters: a longer one is refused here rather than lost.
    if len(profile.full_name) > FULL_NAME_LENGTH:
        raise InvalidWorkerData(
            f"given name, patronymic and family name are longer than {FULL_NAME_LENGTH}"
            " characters together",
            field="given_name",
        )
