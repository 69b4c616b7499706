"""Malformed and poison records on every topic a service consumes, published straight to the
broker on every partition: bytes that are no event, JSON without an envelope, headers that
are not UTF-8, an impossible aggregate version, a known event type with a body that is not
JSON, lacks its fields or carries a NUL byte, a huge record, and (for the registry) a
well-formed visa event about a worker nobody knows. Then valid events through the APIs. Every
consumer must dead-letter each bad record (its dead_letter table and its dead-letter topic,
with the original coordinates) and still apply every valid event.

Records that once stopped a consumer's partition for good (headers that are not UTF-8, a body
declared JSON that is not, a NUL byte in the event id) run on a service of their own, so that a
regression cannot stall the shared system."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from faults.scale_journey import END, START, TODAY, Api, Partner, Stats, placement_body, until
from faults.scale_journey import TOPICS as ORIENTATION
from system_support import RunningSystem, organisation_with_key

from contracts.topics import TOPICS, topic_named
from notifications.testing.webhook_receiver import WebhookReceiver
from servicekit.testing.support import read_topic, wait_until

pytestmark = [pytest.mark.hostile, pytest.mark.slow]

CONSUMED = [(consumer, topic.name) for topic in TOPICS for consumer in topic.consumers]
KNOWN_TYPE = {
    "registry.worker.v1": "sws.WorkerRegistered.v1",
    "registry.worker-contact.v1": "sws.WorkerContactDetailsChanged.v1",
    "registry.organisation.v1": "sws.OrganisationRegistered.v1",
    "visa.case.v1": "sws.VisaCaseOpened.v1",
    "notifications.delivery.v1": "sws.NotificationDelivered.v1",
}
Headers = list[tuple[str, bytes]]


def envelope(topic: str, subject: str, **changes: str) -> Headers:
    attributes = {
        "ce_id": str(uuid.uuid4()),
        "ce_source": "/sws/hostile",
        "ce_type": KNOWN_TYPE[topic],
        "ce_specversion": "1.0",
        "ce_subject": subject,
        "ce_time": datetime.now(UTC).isoformat(),
        "ce_aggregateversion": "1",
        "content-type": "application/json",
    } | changes
    return [(name, value.encode()) for name, value in attributes.items()]


def garbage(topic: str) -> dict[str, Callable[[str], tuple[bytes | None, Headers]]]:
    """Bad records for ``topic``, by name: subject -> (value, headers)."""
    kinds: dict[str, Callable[[str], tuple[bytes | None, Headers]]] = {
        "bytes": lambda s: (b"\xff\xfe\x00\x01 not an event", []),
        "no envelope": lambda s: (b'{"worker_id": "' + s.encode() + b'"}', []),
        "empty": lambda s: (None, []),
        "bad version": lambda s: (b"{}", envelope(topic, s, ce_aggregateversion="abc")),
        "no type": lambda s: (b"{}", [h for h in envelope(topic, s) if h[0] != "ce_type"]),
        "not json": lambda s: (b"{not json", envelope(topic, s, **{"content-type": "text/plain"})),
        "no fields": lambda s: (b"{}", envelope(topic, s)),
        "wrong types": lambda s: (
            json.dumps(
                {"worker_id": 7, "organisation_id": [], "occurred_at": "yesterday"}
            ).encode(),
            envelope(topic, s),
        ),
        "nul in body": lambda s: (
            json.dumps({"worker_id": s, "region": "a\x00b"}).encode(),
            envelope(topic, s),
        ),
        "huge": lambda s: (json.dumps([0] * 150_000).encode(), envelope(topic, s)),
    }
    if topic == "visa.case.v1":  # well-formed, about a worker the registry never had
        kinds["unknown worker"] = lambda s: (unknown_worker_case(s), envelope(topic, s))
    return kinds


def unknown_worker_case(case_id: str) -> bytes:
    return json.dumps(
        {
            "case_id": case_id,
            "worker_id": str(uuid.uuid4()),
            "organisation_id": str(uuid.uuid4()),
            "operator_id": str(uuid.uuid4()),
            "placement_id": str(uuid.uuid4()),
            "season": 2027,
            "placement_start": "2027-04-01",
            "placement_end": "2027-09-01",
            "occurred_at": datetime.now(UTC).isoformat(),
            "attempt": 1,
        }
    ).encode()


async def publish_garbage(bootstrap: str) -> dict[tuple[str, int, int], str]:
    """Every bad record on every partition of every consumed topic: {(topic, partition,
    offset): kind}."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=2_000_000)
    await producer.start()
    sent: dict[tuple[str, int, int], str] = {}
    try:
        for topic in KNOWN_TYPE:
            for partition in range(topic_named(topic).partitions):
                for kind, make in garbage(topic).items():
                    value, headers = make(str(uuid.uuid4()))
                    key = None if kind == "bytes" else str(uuid.uuid4()).encode()
                    meta = await producer.send_and_wait(
                        topic, value, key=key, partition=partition, headers=headers
                    )
                    sent[(meta.topic, meta.partition, meta.offset)] = kind
    finally:
        await producer.stop()
    return sent


async def valid_events(system: RunningSystem, api: Api, tag: str) -> dict[str, str]:
    """Events on every consumed topic, made through the APIs: a new organisation and key, a
    worker (journey and contact events) taken to a visa case, and a webhook delivered to its
    LMC (a delivery outcome). Returns {what: id} to look them up by."""
    receiver = WebhookReceiver().start()
    try:
        lmc_id, lmc_key = await organisation_with_key(
            system, {"name": f"After poison LMC {tag}", "kind": "lmc", "region": "Turkistan"}
        )
        lmc = Partner("lmc", "lmc", lmc_id, lmc_key)
        operator_id, _ = await organisation_with_key(
            system,
            {
                "name": f"After poison farm {tag}",
                "kind": "operator",
                "licence_number": f"GLAA-{tag}",
            },
        )
        await api.call("notifications", "GET", "/v1/routing", lmc, unauthorised_retried=True)
        hook = await api.json(
            "notifications", "POST", "/v1/webhook-endpoints", lmc, json={"url": receiver.url}
        )
        receiver.secret = hook["secret"]
        body = {
            "iin": "990101300018",
            "given_name": "Poison",
            "family_name": "Survivor",
            "date_of_birth": "1999-01-01",
            "sex": "male",
            "region": f"Poison {tag}",
            "phone": "+77010000001",
            "preferred_language": "ru",
            "passport_number": "N22222222",
            "passport_expiry": (END + timedelta(days=900)).isoformat(),
            "consent": {"given_at": "2026-01-10T08:00:00Z", "text_version": "2025-01"},
        }
        body["iin"] = _fresh_iin()
        worker = await api.json("registry", "POST", "/v1/workers", lmc, json=body)
        path = f"/v1/workers/{worker['id']}"
        session = await api.json(
            "registry",
            "POST",
            "/v1/orientation-sessions",
            lmc,
            json={
                "session_date": TODAY.isoformat(),
                "language": "ru",
                "trainer_name": "Trainer",
                "location": "Room 1",
                "topics_covered": ORIENTATION,
                "capacity": 5,
            },
        )
        season = {"season_start": START.isoformat(), "season_end": END.isoformat()}
        await api.call("registry", "POST", f"{path}/screenings", lmc, json=season)
        await api.call(
            "registry",
            "POST",
            f"{path}/orientation",
            lmc,
            json={"session_id": session["id"], "attended_on": TODAY.isoformat()},
        )
        placement = await api.json(
            "registry",
            "POST",
            f"{path}/placements",
            lmc,
            json=placement_body(operator_id, farm_name="Farm", sector="poultry", uk_region="Kent"),
        )
        await api.call("registry", "POST", f"{path}/placements/{placement['id']}/acceptance", lmc)

        async def visa_applied() -> bool:
            journey = await api.json("registry", "GET", f"{path}/journey", lmc)
            return bool(journey["stage"] == "visa_applied")

        await until(visa_applied, what="the visa case reached the registry", timeout=90)
        await wait_until(lambda: bool(receiver.accepted), timeout=60)
        return {"worker": worker["id"], "organisation": lmc_id}
    finally:
        receiver.stop()


def _fresh_iin() -> str:
    from system_support import valid_iin

    return valid_iin("990101", "3")


async def test_bad_records_are_dead_lettered_and_consumption_goes_on(
    system: RunningSystem,
) -> None:
    bootstrap = system.stack.broker.bootstrap_servers
    started = time.monotonic()
    sent = await publish_garbage(bootstrap)

    async def dead_lettered(consumer: str) -> set[tuple[str, int, int]]:
        rows = await system.query(
            consumer,
            'SELECT topic, partition, "offset" FROM dead_letter WHERE consumer = $1',
            consumer,
        )
        return {(row["topic"], row["partition"], row["offset"]) for row in rows}

    # a well-formed event about an unknown worker is poison to the registry only (the others
    # just learn of a case)
    expected = {
        consumer: {
            where
            for where, kind in sent.items()
            if where[0] in topics and (kind != "unknown worker" or consumer == "registry")
        }
        for consumer, topics in _consumers().items()
    }

    async def all_dead_lettered() -> bool:
        for consumer, wanted in expected.items():
            if not wanted <= await dead_lettered(consumer):
                return False
        return True

    try:
        await wait_until(all_dead_lettered, timeout=240, every=1.0)
    except TimeoutError:
        missing = {
            c: sorted(sent[w] for w in wanted - await dead_lettered(c))
            for c, wanted in expected.items()
        }
        pytest.fail(f"not dead-lettered (by kind): {missing}")

    # ... and consumption goes on: valid events on every topic are applied by every consumer
    api = Api(system.urls, Stats(), deadline=90, retry_server_errors=False)
    try:
        made = await valid_events(system, api, uuid.uuid4().hex[:6])
    finally:
        await api.close()
    produced = await _events_about(system, made)

    async def all_applied() -> bool:
        for consumer, topic in CONSUMED:
            ids = produced.get(topic, [])
            rows = await system.query(
                consumer,
                "SELECT count(*) AS n FROM inbox_event WHERE consumer = $1 AND event_id = ANY($2)"
                " AND outcome = 'applied'",
                consumer,
                ids,
            )
            if not ids or rows[0]["n"] != len(ids):
                return False
        return True

    await wait_until(all_applied, timeout=120, every=0.5)

    # the dead-letter topics carry them too, with where each came from
    on_topics: set[tuple[str, int, int]] = set()
    for consumer in expected:
        for record in await read_topic(
            bootstrap, f"{consumer}.dead-letter.v1", expected=len(expected[consumer]), timeout=30
        ):
            headers = {name: value.decode(errors="replace") for name, value in record.headers}
            if "dlq_original_topic" in headers:
                on_topics.add(
                    (
                        headers["dlq_original_topic"],
                        int(headers["dlq_original_partition"]),
                        int(headers["dlq_original_offset"]),
                    )
                )
    missing_on_topics = {consumer: len(wanted - on_topics) for consumer, wanted in expected.items()}
    print(
        f"\nSUMMARY poison: {len(sent)} bad records on {len(KNOWN_TYPE)} topics "
        f"({len(set(sent.values()))} kinds), {sum(len(w) for w in expected.values())} dead "
        f"letters expected across {len(expected)} consumers; valid events applied by every "
        f"consumer; {time.monotonic() - started:.0f}s"
    )
    assert missing_on_topics == dict.fromkeys(expected, 0)


def _consumers() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for consumer, topic in CONSUMED:
        found.setdefault(consumer, set()).add(topic)
    return found


async def _events_about(system: RunningSystem, made: dict[str, str]) -> dict[str, list[str]]:
    """The ids of the events the valid steps produced, by topic (from the outboxes)."""
    worker, organisation = made["worker"], made["organisation"]
    produced: dict[str, list[str]] = {}
    for service, sql, arg in (
        ("registry", "SELECT topic, event_id FROM outbox WHERE partition_key = $1", worker),
        ("registry", "SELECT topic, event_id FROM outbox WHERE partition_key = $1", organisation),
        ("visa", "SELECT topic, event_id FROM outbox WHERE partition_key = $1", worker),
        (
            "notifications",
            "SELECT topic, event_id FROM outbox WHERE partition_key = $1",
            organisation,
        ),
    ):
        for row in await system.query(service, sql, arg):
            produced.setdefault(row["topic"], []).append(row["event_id"])
    return produced


# Records that would stop a partition if the framework, not the processor, read them: each on a
# partition of its own, followed by a valid event that must still apply.
STALLING: dict[str, Callable[[str], tuple[bytes, Headers]]] = {
    # FastStream would decode every header as UTF-8 before the kit's processor sees the record
    "header not utf-8": lambda s: (b"{}", [*envelope("registry.worker.v1", s), ("x", b"\xff")]),
    # FastStream would decode a body declared application/json before the processor sees it
    "declared json, is not": lambda s: (b"{not json", envelope("registry.worker.v1", s)),
    # PostgreSQL's text and jsonb refuse a NUL: the envelope is malformed, the dead letter kept
    "nul in the event id": lambda s: (
        b"{}",
        envelope("registry.worker.v1", s, ce_id=f"nul\x00{s}"),
    ),
}


async def test_records_that_stall_a_partition_are_dead_lettered_too(
    create_database: Callable[..., Any], tansu_broker_factory: Any
) -> None:
    from contracts.envelope import CloudEvent, to_kafka_headers
    from servicekit.testing.service import TEST_SETTINGS, running_service
    from visa.bootstrap import definition
    from visa.config import VisaSettings
    from visa.testing import worker_registered

    broker = tansu_broker_factory()
    settings = VisaSettings(
        database_url=await create_database(prefix="stallvisa"),
        kafka_bootstrap_servers=broker.bootstrap_servers,
        visa_check_interval_seconds=86_400.0,
        **TEST_SETTINGS,
    )
    async with running_service(definition(settings)) as visa:
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers)
        await producer.start()
        workers: dict[str, uuid.UUID] = {}
        try:
            for partition, (kind, make) in enumerate(STALLING.items()):
                value, headers = make(str(uuid.uuid4()))
                await producer.send_and_wait(
                    "registry.worker.v1", value, key=b"stall", partition=partition, headers=headers
                )
                worker = workers[kind] = uuid.uuid4()
                event = CloudEvent.create(
                    worker_registered(worker, uuid.uuid4()),
                    source="/sws/registry",
                    subject=str(worker),
                    key=str(worker),
                ).model_copy(update={"aggregateversion": 1})
                valid = [(k, v.encode()) for k, v in to_kafka_headers(event).items()]
                await producer.send_and_wait(
                    "registry.worker.v1",
                    event.data,
                    key=b"stall",
                    partition=partition,
                    headers=valid,
                )
        finally:
            await producer.stop()

        async def applied() -> set[str]:
            async with visa.runtime.pool.acquire() as conn:
                rows = await conn.fetch(
                    "SELECT worker_id FROM applicant WHERE worker_id = ANY($1)",
                    list(workers.values()),
                )
            return {kind for kind, w in workers.items() if w in {r["worker_id"] for r in rows}}

        async def all_applied() -> bool:
            return await applied() == set(workers)

        with contextlib.suppress(TimeoutError):
            await wait_until(all_applied, timeout=25, every=0.5)
        stalled = set(workers) - await applied()
        async with visa.runtime.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT partition FROM dead_letter WHERE topic = $1", "registry.worker.v1"
            )
        kept = {kind for number, kind in enumerate(STALLING) if number in {r[0] for r in rows}}
    assert (sorted(stalled), sorted(set(STALLING) - kept)) == ([], []), (
        "(partitions stopped behind, bad records not dead-lettered)"
    )
