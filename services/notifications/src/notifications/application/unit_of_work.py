"""The notifications service's unit of work: one transaction with its repositories."""

from __future__ import annotations

from notifications.adapters.circuits import CircuitRepository
from notifications.adapters.deliveries import DeliveryRepository
from notifications.adapters.endpoints import EndpointRepository
from notifications.adapters.journey import JourneyRepository
from notifications.adapters.recipients import RecipientRepository
from servicekit.unit_of_work import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork):
    recipients: RecipientRepository
    journey: JourneyRepository
    deliveries: DeliveryRepository
    endpoints: EndpointRepository
    circuits: CircuitRepository

    def _open(self) -> None:
        self.recipients = RecipientRepository(self.conn)
        self.journey = JourneyRepository(self.conn)
        self.deliveries = DeliveryRepository(self.conn)
        self.endpoints = EndpointRepository(self.conn)
        self.circuits = CircuitRepository(self.conn)
