"""The notifications service's unit of work."""

from __future__ import annotations

from notifications.adapters.recipients import RecipientRepository
from servicekit.unit_of_work import UnitOfWork


class NotificationsUnitOfWork(UnitOfWork):
    recipients: RecipientRepository

    def _open(self) -> None:
        self.recipients = RecipientRepository(self.conn)
