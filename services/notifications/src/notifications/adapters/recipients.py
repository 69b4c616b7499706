"""Recipients' contact details in PostgreSQL."""

from __future__ import annotations

import asyncpg

from contracts.events.contact import WorkerContactDetailsChanged


class RecipientRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save_contact(self, event: WorkerContactDetailsChanged) -> None:
        await self._conn.execute(
            "INSERT INTO recipient (worker_id, organisation_id, full_name, phone, email,"
            " preferred_language, sms_consent, email_consent, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (worker_id) DO UPDATE SET"
            " organisation_id = EXCLUDED.organisation_id, full_name = EXCLUDED.full_name,"
            " phone = EXCLUDED.phone, email = EXCLUDED.email,"
            " preferred_language = EXCLUDED.preferred_language,"
            " sms_consent = EXCLUDED.sms_consent, email_consent = EXCLUDED.email_consent,"
            " updated_at = EXCLUDED.updated_at",
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
