"""A worker's choices about messages (opt-out per channel), recorded and audited."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from notifications.application.permissions import check_worker, require_actor
from notifications.application.unit_of_work import NotificationsUnitOfWork
from notifications.domain.preferences import Preferences


async def preferences_of(uow: NotificationsUnitOfWork, worker_id: UUID) -> Preferences:
    actor = require_actor(uow.actor)
    check_worker(actor, worker_id, await uow.recipients.organisation_of(worker_id), change=False)
    return await uow.recipients.preferences(worker_id)


async def set_preferences(
    uow: NotificationsUnitOfWork, worker_id: UUID, preferences: Preferences
) -> Preferences:
    actor = require_actor(uow.actor)
    check_worker(actor, worker_id, await uow.recipients.organisation_of(worker_id), change=True)
    before = await uow.recipients.preferences(worker_id)
    await uow.recipients.save_preferences(worker_id, preferences, datetime.now(UTC))
    await uow.audit("preferences.changed", "worker", worker_id, before=_snapshot(before),
                    after=_snapshot(preferences))  # fmt: skip
    return preferences


def _snapshot(preferences: Preferences) -> dict[str, bool]:
    return {"sms_opt_out": preferences.sms_opt_out, "email_opt_out": preferences.email_opt_out}
