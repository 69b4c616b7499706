"""The consumer side: inbox, version order, retries and dead letters, on the real database."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from asyncpg.transaction import Transaction
from kit_support import (
    KitDatabase,
    ThingHappened,
    applications,
    as_record,
    make_processor,
    record_application,
    thing,
)

from contracts.base import IntegrationEvent
from contracts.envelope import CloudEvent
from contracts.events.organisation import ApiKeyIssued, ApiKeyRevoked
from servicekit.access import ApiKeyStore, Role, issue_key
from servicekit.access.replication import replicate_api_keys
from servicekit.inbox import Outcome
from servicekit.messaging import EventRouter, ReceivedRecord
from servicekit.outbox import OutboxWriter
from servicekit.unit_of_work import UnitOfWork

TOPIC = "kit.things.v1"


async def test_a_redelivered_event_has_no_second_effect(kit_db: KitDatabase) -> None:
    processor = make_processor("consumer", kit_db.pool)
    record = as_record(thing("w-1", 7), TOPIC, version=1)

    assert await processor.process(record) is Outcome.APPLIED
    assert await processor.process(record) is Outcome.DUPLICATE

    assert await applications(kit_db.pool) == [("w-1", 7)]


async def test_an_old_version_under_a_new_event_id_is_skipped(kit_db: KitDatabase) -> None:
    processor = make_processor("consumer", kit_db.pool)
    await processor.process(as_record(thing("w-1", 1), TOPIC, version=1))
    await processor.process(as_record(thing("w-1", 2), TOPIC, version=2))

    outcome = await processor.process(as_record(thing("w-1", 99), TOPIC, version=2))

    assert outcome is Outcome.OLD_VERSION
    assert await applications(kit_db.pool) == [("w-1", 1), ("w-1", 2)]


async def test_events_after_a_gap_wait_and_then_apply_in_version_order(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool)
    await processor.process(as_record(thing("w-1", 1), TOPIC, version=1))

    assert await processor.process(as_record(thing("w-1", 4), TOPIC, version=4)) is Outcome.PARKED
    assert await processor.process(as_record(thing("w-1", 3), TOPIC, version=3)) is Outcome.PARKED
    assert await applications(kit_db.pool) == [("w-1", 1)]
    assert await processor.process(as_record(thing("w-1", 2), TOPIC, version=2)) is Outcome.APPLIED

    assert await applications(kit_db.pool) == [("w-1", 1), ("w-1", 2), ("w-1", 3), ("w-1", 4)]
    assert await kit_db.pool.fetchval("SELECT count(*) FROM inbox_parked") == 0


async def test_streams_of_different_aggregates_and_consumers_are_independent(
    kit_db: KitDatabase,
) -> None:
    first, second = make_processor("first", kit_db.pool), make_processor("second", kit_db.pool)
    record = as_record(thing("w-1", 1), TOPIC, version=1)

    assert await first.process(record) is Outcome.APPLIED
    assert await second.process(record) is Outcome.APPLIED
    assert await first.process(as_record(thing("w-2", 5), TOPIC, version=1)) is Outcome.APPLIED


async def test_an_event_that_always_fails_is_dead_lettered_and_its_stream_goes_on(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool, max_attempts=3)
    poison = thing("w-1", 2, fail=True)
    await processor.process(as_record(thing("w-1", 1), TOPIC, version=1))

    assert await processor.process(as_record(poison, TOPIC, version=2)) is Outcome.DEAD_LETTERED
    assert await processor.process(as_record(thing("w-1", 3), TOPIC, version=3)) is Outcome.APPLIED

    assert await applications(kit_db.pool) == [("w-1", 1), ("w-1", 3)]
    letter = await kit_db.pool.fetchrow("SELECT * FROM dead_letter")
    assert letter["event_id"] == poison.id
    assert letter["attempts"] == 3
    assert "cannot be applied" in letter["error"]
    dlq = await kit_db.pool.fetchrow("SELECT * FROM outbox WHERE topic = 'consumer.dead-letter.v1'")
    headers = json.loads(dlq["headers"])
    assert headers["ce_id"] == poison.id, "the original headers travel with the dead letter"
    assert headers["dlq_original_topic"] == TOPIC
    assert "cannot be applied" in headers["dlq_error"]
    assert dlq["payload"] == poison.data


async def test_a_parked_event_that_fails_is_dead_lettered_and_the_next_one_still_applies(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool, max_attempts=2)
    await processor.process(as_record(thing("w-1", 3), TOPIC, version=3))
    await processor.process(as_record(thing("w-1", 2, fail=True), TOPIC, version=2))

    assert await applications(kit_db.pool) == []
    await processor.process(as_record(thing("w-1", 1), TOPIC, version=1))

    assert await applications(kit_db.pool) == [("w-1", 1), ("w-1", 3)]
    assert await kit_db.pool.fetchval("SELECT count(*) FROM dead_letter") == 1


async def test_a_malformed_record_is_dead_lettered_at_once(kit_db: KitDatabase) -> None:
    processor = make_processor("consumer", kit_db.pool)
    poison = ReceivedRecord(TOPIC, b"w-1", b"\xff not json", ((("ce_type"), b"x"),), 2, 41)

    assert await processor.process(poison) is Outcome.DEAD_LETTERED

    letter = await kit_db.pool.fetchrow("SELECT * FROM dead_letter")
    assert letter["attempts"] == 1
    assert (letter["partition"], letter["offset"]) == (2, 41)
    assert letter["payload"] == b"\xff not json"
    assert "MalformedEventError" in letter["error"]


async def test_infrastructure_failures_are_retried_without_dead_lettering(
    kit_db: KitDatabase,
) -> None:
    failures = [ConnectionResetError("database went away"), TimeoutError("slow")]
    router: EventRouter[UnitOfWork] = EventRouter()

    @router.on(ThingHappened)
    async def flaky(uow: UnitOfWork, event: ThingHappened, envelope: CloudEvent) -> None:
        if failures:
            raise failures.pop(0)
        await record_application(uow, event, envelope)

    processor = make_processor("consumer", kit_db.pool, max_attempts=1, router=router)

    assert await processor.process(as_record(thing("w-1", 1), TOPIC, version=1)) is Outcome.APPLIED
    assert await kit_db.pool.fetchval("SELECT count(*) FROM dead_letter") == 0


async def test_a_replayed_dead_letter_applies_once_the_cause_is_fixed(
    kit_db: KitDatabase,
) -> None:
    broken = {"w-1"}
    router: EventRouter[UnitOfWork] = EventRouter()

    @router.on(ThingHappened)
    async def until_fixed(uow: UnitOfWork, event: ThingHappened, envelope: CloudEvent) -> None:
        if event.thing_id in broken:
            raise LookupError("reference data missing")
        await record_application(uow, event, envelope)

    processor = make_processor("consumer", kit_db.pool, max_attempts=1, router=router)
    record = as_record(thing("w-1", 1), TOPIC, version=1)
    await processor.process(record)
    letter_id = await kit_db.pool.fetchval("SELECT id FROM dead_letter")

    assert await processor.replay(letter_id) is False, "still broken: kept with its new error"
    broken.clear()
    assert await processor.replay(letter_id) is True

    assert await applications(kit_db.pool) == [("w-1", 1)]
    assert await kit_db.pool.fetchval("SELECT status FROM dead_letter") == "replayed"
    assert await processor.process(record) is Outcome.DUPLICATE


async def test_api_keys_are_replicated_from_the_registrys_events(kit_db: KitDatabase) -> None:
    router: EventRouter[UnitOfWork] = replicate_api_keys(EventRouter())
    processor = make_processor("visa", kit_db.pool, router=router)
    key, organisation_id = issue_key(), uuid.uuid4()
    now = datetime.now(UTC)
    issued = ApiKeyIssued(
        key_id=key.key_id, organisation_id=organisation_id, role="operator",
        key_hash=key.key_hash, occurred_at=now,
    )  # fmt: skip
    revoked = ApiKeyRevoked(key_id=key.key_id, organisation_id=organisation_id, occurred_at=now)
    store = ApiKeyStore(kit_db.pool)

    await processor.process(as_record(about(issued, organisation_id), TOPIC, version=1))
    principal = await store.principal_for(key.key_hash)
    await processor.process(as_record(about(revoked, organisation_id), TOPIC, version=2))

    assert principal is not None
    assert (principal.organisation_id, principal.role) == (organisation_id, Role.OPERATOR)
    assert await store.principal_for(key.key_hash) is None


def about(event: IntegrationEvent, organisation_id: uuid.UUID) -> CloudEvent:
    """``event`` in its envelope, as the registry publishes organisation events."""
    key = str(organisation_id)
    return CloudEvent.create(event, source="/sws/registry", subject=key, key=key)


async def test_released_parked_events_apply_in_order_when_a_version_never_comes(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool)
    await processor.process(as_record(thing("w-9", 1), TOPIC, version=1))
    await processor.process(as_record(thing("w-9", 4), TOPIC, version=4))
    await processor.process(as_record(thing("w-9", 3), TOPIC, version=3))

    assert await processor.release_parked(TOPIC, "w-9") == 3

    assert await applications(kit_db.pool) == [("w-9", 1), ("w-9", 3), ("w-9", 4)]
    assert await processor.release_parked(TOPIC, "w-9") is None
    late = await processor.process(as_record(thing("w-9", 2), TOPIC, version=2))
    assert late is Outcome.OLD_VERSION, "the skipped version stays skipped"


async def test_a_unit_of_work_cancelled_while_opening_gives_its_connection_back(
    kit_db: KitDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    begin = Transaction.start

    async def slow_begin(self: Transaction) -> None:
        await begin(self)
        await asyncio.sleep(5)  # BEGIN has gone out: a cancellation lands right here

    monkeypatch.setattr(Transaction, "start", slow_begin)
    pool = await asyncpg.create_pool(kit_db.dsn, min_size=1, max_size=1)
    opening = asyncio.create_task(_open(pool))
    await asyncio.sleep(0.3)
    opening.cancel()
    await asyncio.gather(opening, return_exceptions=True)
    monkeypatch.setattr(Transaction, "start", begin)

    assert await asyncio.wait_for(pool.fetchval("SELECT 1"), timeout=5) == 1
    await asyncio.wait_for(pool.close(), timeout=5)


async def _open(pool: asyncpg.Pool) -> None:
    async with UnitOfWork(pool, OutboxWriter("consumer"), source="/sws/test"):
        pass


async def test_a_batch_applies_in_order_with_duplicates_gaps_and_old_versions(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool)
    first = as_record(thing("w-1", 1), TOPIC, version=1)
    batch = [
        first,
        as_record(thing("w-1", 3), TOPIC, version=3),  # waits for version 2
        as_record(thing("w-2", 1), TOPIC, version=1),
        first,  # redelivered within the batch
        as_record(thing("w-1", 2), TOPIC, version=2),  # releases version 3
        as_record(thing("w-2", 9), TOPIC, version=1),  # an old version under a new id
    ]

    outcomes = await processor.process_batch(batch)

    assert outcomes == [Outcome.APPLIED, Outcome.PARKED, Outcome.APPLIED, Outcome.DUPLICATE,
                        Outcome.APPLIED, Outcome.OLD_VERSION]  # fmt: skip
    assert await applications(kit_db.pool) == [("w-1", 1), ("w-2", 1), ("w-1", 2), ("w-1", 3)]
    assert await kit_db.pool.fetchval("SELECT count(*) FROM inbox_parked") == 0


async def test_a_failing_or_malformed_record_in_a_batch_leaves_the_others_applied(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool)
    malformed = ReceivedRecord(TOPIC, b"k", b"{}", headers=(("ce_id", b"only an id"),))
    batch = [
        as_record(thing("w-1", 1), TOPIC, version=1),
        as_record(thing("w-2", 1, fail=True), TOPIC, version=1),
        as_record(thing("w-3", 1), TOPIC, version=1),
    ]

    failing = await processor.process_batch(batch)
    with_malformed = await processor.process_batch(
        [malformed, as_record(thing("w-4", 1), TOPIC, version=1)]
    )

    assert failing == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert with_malformed == [Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert await applications(kit_db.pool) == [("w-1", 1), ("w-3", 1), ("w-4", 1)]
    assert await kit_db.pool.fetchval("SELECT count(*) FROM dead_letter") == 2


async def test_batches_continue_what_earlier_batches_left_and_release_what_they_parked(
    kit_db: KitDatabase,
) -> None:
    processor = make_processor("consumer", kit_db.pool)
    first = as_record(thing("w-1", 1), TOPIC, version=1)
    early = await processor.process_batch(
        [first, as_record(thing("w-1", 4), TOPIC, version=4)]  # waits for 2 and 3
    )
    unversioned = as_record(thing("w-3", 1), TOPIC)
    later = await processor.process_batch([
        first,  # redelivered from the earlier batch
        as_record(thing("w-1", 2), TOPIC, version=2),
        unversioned,
        as_record(thing("w-1", 3), TOPIC, version=3),  # releases the parked version 4
        unversioned,
    ])  # fmt: skip

    assert early == [Outcome.APPLIED, Outcome.PARKED]
    assert later == [Outcome.DUPLICATE, Outcome.APPLIED, Outcome.APPLIED, Outcome.APPLIED,
                     Outcome.DUPLICATE]  # fmt: skip
    assert await applications(kit_db.pool) == [
        ("w-1", 1), ("w-1", 2), ("w-3", 1), ("w-1", 3), ("w-1", 4),
    ]  # fmt: skip
    versions = await kit_db.pool.fetch(
        "SELECT subject, version FROM inbox_stream WHERE consumer = 'consumer' ORDER BY subject"
    )
    assert [tuple(row) for row in versions] == [("w-1", 4)]
    assert await kit_db.pool.fetchval("SELECT count(*) FROM inbox_parked") == 0
