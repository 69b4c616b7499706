"""Errors of the registry's rules; the API maps each to a problem response in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from registry.domain.journey import Action, Stage


class DomainError(Exception):
    """A rule of the registry was broken. ``field`` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class WorkerNotFound(DomainError):
    def __init__(self, worker_id: UUID) -> None:
        super().__init__(f"no worker {worker_id}")
        self.worker_id = worker_id


class DuplicateWorker(DomainError):
    """The IIN is registered already (by any organisation)."""

    def __init__(self, existing_worker_id: UUID) -> None:
        super().__init__("a worker with this IIN is registered already", field="iin")
        self.existing_worker_id = existing_worker_id


class InvalidWorkerData(DomainError):
    pass


class InvalidOrganisationData(DomainError):
    pass


class OrganisationNotFound(DomainError):
    def __init__(self, organisation_id: UUID) -> None:
        super().__init__(f"no organisation {organisation_id}")
        self.organisation_id = organisation_id


class ApiKeyNotFound(DomainError):
    def __init__(self, key_id: UUID) -> None:
        super().__init__(f"no active API key {key_id}")
        self.key_id = key_id


class NotPermitted(DomainError):
    """The caller's organisation or role may not do this."""


class IllegalTransition(DomainError):
    """The action is not allowed at the worker's current stage; names what is allowed."""

    def __init__(
        self, current_stage: Stage, action: Action, allowed_actions: tuple[Action, ...]
    ) -> None:
        allowed = ", ".join(a.value for a in allowed_actions) or "nothing"
        super().__init__(
            f"cannot {action.value} a worker at stage {current_stage.value};"
            f" allowed next steps: {allowed}"
        )
        self.current_stage = current_stage
        self.action = action
        self.allowed_actions = allowed_actions


class PlacementNotFound(DomainError):
    def __init__(self, placement_id: UUID, what: str = "placement") -> None:
        super().__init__(f"the worker has no {what} {placement_id}", field="placement_id")
        self.placement_id = placement_id


class NotPlacementOperator(NotPermitted):
    """Only the operator of the worker's accepted placement may confirm the arrival."""

    def __init__(self, operator_id: UUID) -> None:
        super().__init__(
            f"organisation {operator_id} is not the operator of the worker's placement",
            field="operator_id",
        )
        self.operator_id = operator_id


class DepartureBlocked(DomainError):
    """A precondition of departure, beyond the stage, is not met."""


class GrievanceNotFound(DomainError):
    def __init__(self, grievance_id: UUID) -> None:
        super().__init__(f"no grievance {grievance_id}", field="grievance_id")
        self.grievance_id = grievance_id


class GrievanceClosed(DomainError):
    """The grievance's status does not allow the action (e.g. referring it twice)."""

    def __init__(self, grievance_id: UUID, status: str, action: str) -> None:
        super().__init__(f"cannot {action} grievance {grievance_id}: it is {status}")
        self.grievance_id = grievance_id
        self.status = status
