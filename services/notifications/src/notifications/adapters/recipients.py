"""Recipients' contact details and preferences in PostgreSQL (personal data: kept here only,
masked in logs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from contracts.events.contact import WorkerContactDetailsChanged
from notifications.domain.preferences import Contact, Preferences
from notifications.domain.values import Language


@dataclass(frozen=True)
class WorkerRecipient:
    worker_id: UUID
    organisation_id: UUID
    full_name: str
    contact: Contact


class RecipientRepository:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def save_contact(self, event: WorkerContactDetailsChanged) -> None:
        """The latest details win; an older event arriving late changes nothing."""
        await self._conn.execute(
            "INSERT INTO recipient (worker_id, organisation_id, full_name, phone, email,"
            " preferred_language, sms_consent, email_consent, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (worker_id) DO UPDATE SET"
            " organisation_id = EXCLUDED.organisation_id, full_name = EXCLUDED.full_name,"
            " phone = EXCLUDED.phone, email = EXCLUDED.email,"
            " preferred_language = EXCLUDED.preferred_language,"
            " sms_consent = EXCLUDED.sms_consent, email_consent = EXCLUDED.email_consent,"
            " updated_at = EXCLUDED.updated_at"
            " WHERE recipient.updated_at <= EXCLUDED.updated_at",
            event.worker_id,
            event.organisation_id,
            event.full_name,
            event.phone,
            event.email,
            event.preferred_language,
            event.sms_consent,
            event.email_consent,
            event.occurred_at,
        )

    async def set_language(self, worker_id: UUID, language: str, at: datetime) -> None:
        await self._conn.execute(
            "UPDATE recipient SET preferred_language = $2 WHERE worker_id = $1"
            " AND updated_at <= $3",
            worker_id,
            language,
            at,
        )

    async def worker(self, worker_id: UUID) -> WorkerRecipient | None:
        row = await self._conn.fetchrow("SELECT * FROM recipient WHERE worker_id = $1", worker_id)
        if row is None:
            return None
        contact = Contact(
            phone=row["phone"],
            email=row["email"],
            language=Language(row["preferred_language"]),
            sms_consent=row["sms_consent"],
            email_consent=row["email_consent"],
        )
        return WorkerRecipient(row["worker_id"], row["organisation_id"], row["full_name"], contact)

    async def organisation_of(self, worker_id: UUID) -> UUID | None:
        """The worker's organisation, from the contact details or the journey."""
        organisation: UUID | None = await self._conn.fetchval(
            "SELECT coalesce((SELECT organisation_id FROM recipient WHERE worker_id = $1),"
            " (SELECT organisation_id FROM worker_state WHERE worker_id = $1))",
            worker_id,
        )
        return organisation

    async def preferences(self, worker_id: UUID) -> Preferences:
        row = await self._conn.fetchrow(
            "SELECT sms_opt_out, email_opt_out FROM recipient_preference WHERE worker_id = $1",
            worker_id,
        )
        if row is None:
            return Preferences()
        return Preferences(sms_opt_out=row["sms_opt_out"], email_opt_out=row["email_opt_out"])

    async def save_preferences(
        self, worker_id: UUID, preferences: Preferences, at: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO recipient_preference (worker_id, sms_opt_out, email_opt_out, updated_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (worker_id) DO UPDATE SET"
            " sms_opt_out = EXCLUDED.sms_opt_out, email_opt_out = EXCLUDED.email_opt_out,"
            " updated_at = EXCLUDED.updated_at",
            worker_id,
            preferences.sms_opt_out,
            preferences.email_opt_out,
            at,
        )
