"""Commands: what a caller asks the visa service to do (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AssignSponsorship:
    cos_number: str
    issued_on: date


@dataclass(frozen=True)
class SubmitApplication:
    submitted_on: date
    application_reference: str


@dataclass(frozen=True)
class RecordBiometrics:
    recorded_on: date


@dataclass(frozen=True)
class GrantVisa:
    decided_on: date
    visa_start: date
    visa_end: date


@dataclass(frozen=True)
class RefuseVisa:
    decided_on: date
    reason_code: str
    reason_text: str


@dataclass(frozen=True)
class ReopenCase:
    reason: str | None = None
