"""Errors of the visa rules; the API maps each to a problem response in one place.

``field`` names what is at fault: a request field (``cos_number``) or, with a dot, a fact the
service holds (``applicant.date_of_birth``, ``case.status``).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID


class DomainError(Exception):
    """A rule of the visa service was broken."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidCaseData(DomainError):
    """A value is malformed or out of range (a date in the future, an empty text...)."""


class CaseNotFound(DomainError):
    def __init__(self, case_id: UUID) -> None:
        super().__init__(f"no visa case {case_id}")
        self.case_id = case_id


class NotPermitted(DomainError):
    """The caller's organisation or role may not do this."""


class OperatorNotLicensed(NotPermitted):
    """Only an active scheme operator with a valid licence may sponsor a worker."""


class IllegalCaseAction(DomainError):
    """The case's status does not allow the action; names the status and what is allowed."""

    def __init__(self, status: str, action: str, allowed: Sequence[str]) -> None:
        listed = ", ".join(allowed) or "nothing"
        super().__init__(
            f"cannot {action.replace('_', ' ')} a case that is {status}; allowed next: {listed}",
            field="case.status",
        )
        self.status = status
        self.action = action
        self.allowed = tuple(allowed)


class DecisionBeforeSubmission(IllegalCaseAction):
    """A decision needs a submitted application."""


class BiometricsMissing(IllegalCaseAction):
    """A visa is granted only once the biometrics were recorded."""


class CosMissing(IllegalCaseAction):
    """An application needs a Certificate of Sponsorship assigned first."""


class CosExpired(DomainError):
    """The Certificate of Sponsorship is no longer valid on the date that matters."""


class CosReused(DomainError):
    """A CoS number is used once, by one application, across all cases."""

    def __init__(self, cos_number: str, used_by: UUID | None) -> None:
        super().__init__(
            f"certificate of sponsorship {cos_number} was assigned already; each CoS is used once",
            field="cos_number",
        )
        self.cos_number = cos_number
        self.used_by = used_by


class ApplicationTooEarly(DomainError):
    """An application is submitted no earlier than the window before the placement start."""


class ApplicantUnknown(DomainError):
    """The registry's facts about the worker (date of birth, passport) have not arrived."""

    def __init__(self, worker_id: UUID) -> None:
        super().__init__(
            f"the visa service has no date of birth and passport expiry for worker {worker_id}"
            " yet; they come from the registry's events, try again shortly",
            field="applicant.date_of_birth",
        )
        self.worker_id = worker_id


class ApplicantUnderAge(DomainError):
    pass


class PassportExpiresTooSoon(DomainError):
    pass


class VisaPeriodTooLong(DomainError):
    pass


class VisaOutsidePlacement(DomainError):
    pass


class SecondOpenCase(DomainError):
    """A worker has at most one open case per season."""

    def __init__(self, worker_id: UUID, season: int, open_case_id: UUID | None) -> None:
        super().__init__(
            f"worker {worker_id} has an open visa case for season {season} already",
            field="case.worker_id",
        )
        self.worker_id = worker_id
        self.season = season
        self.open_case_id = open_case_id


class PlacementOver(DomainError):
    """Nothing more can be applied for once the placement has ended."""


class NoRulesInForce(DomainError):
    """The visa rules table has no rule effective on the date (configuration error)."""


class InvalidRules(DomainError):
    """A new dated rule is malformed or would change the past."""
