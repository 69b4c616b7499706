"""The unit of work: one transaction, its repositories, and the events it publishes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import asyncpg
from asyncpg.transaction import Transaction

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent
from servicekit import audit
from servicekit.access.principal import Principal
from servicekit.outbox.writer import OutboxWriter


class UnitOfWork:
    """Opens a transaction on enter; commits on a clean exit, rolls back on an exception.

    Events published through it go to the outbox in the same transaction, so they exist if and
    only if the state change does. Services subclass it and build their repositories in
    ``_open`` on ``self.conn``; only the unit of work commits.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: OutboxWriter,
        *,
        source: str,
        correlation_id: str | None = None,
        actor: Principal | None = None,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self.source = source
        self.correlation_id = correlation_id
        self.actor = actor
        self._conn: asyncpg.pool.PoolConnectionProxy | None = None
        self._transaction: Transaction | None = None
        self.published: list[CloudEvent] = []

    @property
    def conn(self) -> asyncpg.Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn

    async def __aenter__(self) -> Self:
        self._conn = await self._pool.acquire()
        try:
            self._transaction = self._conn.transaction()
            await self._transaction.start()
            self.published = []
            self._open()
        except BaseException:
            # Cancelled (or failed) after BEGIN went out: __aexit__ will not run, so give the
            # connection back here, or the pool would wait for it forever when it closes.
            await self._release()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._conn is None or self._transaction is None:
            raise RuntimeError("the unit of work is not open")
        try:
            if exc_type is None:
                await self._commit()
            else:
                await self._transaction.rollback()
        finally:
            await self._release()

    async def _commit(self) -> None:
        assert self._transaction is not None
        try:
            await self._before_commit()
        except BaseException:
            await self._transaction.rollback()
            raise
        await self._transaction.commit()
        await self._after_commit()

    async def _before_commit(self) -> None:
        """Work that belongs at the end of the transaction (e.g. once per batch rather than
        once per event); subclasses override. A failure here rolls everything back."""

    async def _after_commit(self) -> None:
        """Work that must follow the commit, on the same connection (e.g. telling readers that
        committed state changed); subclasses override. The transaction stands whatever it
        does: a failure here is raised to the caller after the commit."""

    async def _release(self) -> None:
        """Return the connection to the pool (which rolls back anything left open); shielded, so
        that a second cancellation cannot strand it."""
        conn, self._conn, self._transaction = self._conn, None, None
        if conn is not None:
            await asyncio.shield(self._pool.release(conn))

    def _open(self) -> None:
        """Build repositories on ``self.conn``; subclasses override."""

    async def publish(
        self,
        event: IntegrationEvent,
        *,
        subject: str,
        key: str,
        organisation_id: str | None = None,
    ) -> int:
        """Append ``event`` to the outbox; returns the aggregate version it was given."""
        envelope = CloudEvent.create(
            event,
            source=self.source,
            subject=subject,
            key=key,
            organisation_id=organisation_id,
            correlation_id=self.correlation_id,
        )
        version = await self._outbox.add(self.conn, envelope, topic=event.topic)
        self.published.append(envelope.model_copy(update={"aggregateversion": version}))
        return version

    async def publish_many(
        self, events: Sequence[tuple[IntegrationEvent, str, str, str | None]]
    ) -> None:
        """Append many (event, subject, key, organisation id) in one statement."""
        envelopes = [
            (
                CloudEvent.create(
                    event,
                    source=self.source,
                    subject=subject,
                    key=key,
                    organisation_id=organisation_id,
                    correlation_id=self.correlation_id,
                ),
                event.topic,
            )
            for event, subject, key, organisation_id in events
        ]
        await self._outbox.add_many(self.conn, envelopes)
        self.published.extend(envelope for envelope, _ in envelopes)

    async def audit_many(
        self, action: str, entity_type: str, changes: Sequence[tuple[object, Any, Any]]
    ) -> None:
        await audit.record_many(
            self.conn,
            actor=self.actor,
            action=action,
            entity_type=entity_type,
            changes=[(str(entity_id), before, after) for entity_id, before, after in changes],
            correlation_id=self.correlation_id,
        )

    async def audit(
        self, action: str, entity_type: str, entity_id: object, *, before: Any, after: Any
    ) -> None:
        """Record the change in the audit log, as done by this unit of work's actor."""
        await audit.record(
            self.conn,
            actor=self.actor,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
            correlation_id=self.correlation_id,
        )
