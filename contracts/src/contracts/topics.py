"""The topic catalogue: every topic, its key, partitions, producer and consumers."""

from __future__ import annotations

from dataclasses import dataclass, field

REGISTRY = "registry"
VISA = "visa"
NOTIFICATIONS = "notifications"
REPORTING = "reporting"
SERVICES = (REGISTRY, VISA, NOTIFICATIONS, REPORTING)


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str
    producer: str
    consumers: tuple[str, ...]
    description: str
    personal_data: bool = field(default=False)
    # A compacted topic keeps the latest record per key (a table of current states); create it
    # with cleanup.policy=compact.
    compacted: bool = field(default=False)


WORKER_TOPIC = Topic(
    name="registry.worker.v1",
    partitions=6,
    key="worker_id",
    producer=REGISTRY,
    consumers=(VISA, NOTIFICATIONS, REPORTING),
    description="The worker's journey, from registration to return; subject is the worker id.",
)
WORKER_CONTACT_TOPIC = Topic(
    name="registry.worker-contact.v1",
    partitions=6,
    key="worker_id",
    producer=REGISTRY,
    consumers=(NOTIFICATIONS,),
    description="Names and contact details a worker may be reached by; notifications only.",
    personal_data=True,
)
ORGANISATION_TOPIC = Topic(
    name="registry.organisation.v1",
    partitions=3,
    key="organisation_id",
    producer=REGISTRY,
    consumers=(VISA, NOTIFICATIONS, REPORTING),
    description="Organisations and their API keys (hashes only); subject is the organisation id.",
)
VISA_CASE_TOPIC = Topic(
    name="visa.case.v1",
    partitions=6,
    key="worker_id",
    producer=VISA,
    consumers=(REGISTRY, NOTIFICATIONS, REPORTING),
    description="Visa cases: sponsorship, application, decision, expiry; subject is the case id.",
)
NOTIFICATION_TOPIC = Topic(
    name="notifications.delivery.v1",
    partitions=3,
    key="recipient_id",
    producer=NOTIFICATIONS,
    consumers=(REPORTING,),
    description="The outcome of each notification delivery; subject is the delivery id.",
)

JOURNEY_SNAPSHOT_TOPIC = Topic(
    name="reporting.journey-snapshot.v1",
    partitions=6,
    key="pseudonymous_worker_id",
    producer=REPORTING,
    consumers=(),
    description=(
        "The latest journey snapshot of each worker, without personal data, for downstream "
        "analytics; keyed and subject by the pseudonymous worker id."
    ),
    compacted=True,
)

TOPICS: tuple[Topic, ...] = (
    WORKER_TOPIC,
    WORKER_CONTACT_TOPIC,
    ORGANISATION_TOPIC,
    VISA_CASE_TOPIC,
    NOTIFICATION_TOPIC,
    JOURNEY_SNAPSHOT_TOPIC,
)

DEAD_LETTER_PARTITIONS = 1


def dead_letter_topic(consumer: str) -> str:
    """The dead-letter topic of a consumer group (one per consuming service)."""
    return f"{consumer}.dead-letter.v1"


def topic_named(name: str) -> Topic:
    for topic in TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)


def topics_consumed_by(service: str) -> tuple[Topic, ...]:
    return tuple(topic for topic in TOPICS if service in topic.consumers)


def topics_produced_by(service: str) -> tuple[Topic, ...]:
    return tuple(topic for topic in TOPICS if topic.producer == service)


def topic_configs(name: str) -> dict[str, str]:
    """Broker settings a catalogue topic is created with (none for unknown names)."""
    topic = next((t for t in TOPICS if t.name == name), None)
    return {"cleanup.policy": "compact"} if topic is not None and topic.compacted else {}


def all_topic_names() -> list[tuple[str, int]]:
    """Every topic to create, with its partition count, dead-letter topics included."""
    names = [(topic.name, topic.partitions) for topic in TOPICS]
    names += [(dead_letter_topic(service), DEAD_LETTER_PARTITIONS) for service in SERVICES]
    return names
