"""Commands: what a caller asks the registry to do (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.worker import Consent, Profile


@dataclass(frozen=True)
class RegisterWorker:
    """Register a worker for the calling organisation (an LMC or a licensed agency)."""

    iin: str
    profile: Profile
    consent: Consent
