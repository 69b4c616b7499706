"""Changing a worker's profile: the domain says which fields changed; other services hear of
the changes they need (the journey's facts, or the contact details), and the audit log keeps
every change, identifiers and contact details masked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from registry.application.journey import load_for, record
from registry.application.permissions import Step
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.profile import Profile
from registry.domain.worker import Worker

# Kept out of the audit log's before/after: who the worker is and how to reach them.
_MASKED = frozenset(
    {"given_name", "family_name", "patronymic", "phone", "email", "passport_number"}
)


async def update_profile(
    uow: RegistryUnitOfWork, worker_id: UUID, changes: Mapping[str, Any]
) -> Worker:
    """Apply ``changes`` (profile field -> new value) to the worker's profile."""
    acting = await load_for(uow, worker_id, Step.UPDATE_PROFILE)
    worker = acting.worker
    old = worker.profile
    changed = worker.update_profile(replace(old, **changes), datetime.now(UTC))
    if changed:
        before = _snapshot(old, changed)
        after = _snapshot(worker.profile, changed)
        await record(uow, worker, "profile_updated", before, after)
    return acting.view()


def _snapshot(profile: Profile, fields: list[str]) -> dict[str, Any]:
    return {
        name: _masked(getattr(profile, name)) if name in _MASKED else getattr(profile, name)
        for name in fields
    }


def _masked(value: object) -> str | None:
    """The last two characters only: enough to tell values apart in the log."""
    if value is None:
        return None
    text = str(value)
    return "*" * max(len(text) - 2, 1) + text[-2:]
