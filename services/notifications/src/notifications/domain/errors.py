"""The notifications domain's errors; the API maps them to problem responses in one place."""

from __future__ import annotations

from uuid import UUID


class DomainError(Exception):
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class NotPermitted(DomainError):
    pass


class EndpointNotFound(DomainError):
    def __init__(self, endpoint_id: UUID) -> None:
        super().__init__(f"no webhook endpoint {endpoint_id}")


class EndpointExists(DomainError):
    def __init__(self, organisation_id: UUID, endpoint_id: UUID) -> None:
        super().__init__(
            f"organisation {organisation_id} has a webhook endpoint already ({endpoint_id});"
            " change it or rotate its secret instead"
        )
        self.endpoint_id = endpoint_id


class InvalidEndpoint(DomainError):
    field = "url"


class DeliveryNotFound(DomainError):
    def __init__(self, delivery_id: UUID) -> None:
        super().__init__(f"no delivery {delivery_id}")


class WorkerNotFound(DomainError):
    def __init__(self, worker_id: UUID) -> None:
        super().__init__(f"no worker {worker_id} is known to the notifications service")
