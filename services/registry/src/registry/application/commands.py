"""Commands: what a caller asks the registry to do (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from registry.domain.worker import Consent, Profile


@dataclass(frozen=True)
class RegisterWorker:
    iin: str
    organisation_id: UUID
    profile: Profile
    consent: Consent
