"""Every event type, the topic it travels on, and the JSON documents that describe them."""

from __future__ import annotations

from functools import cache
from typing import Any

from contracts.base import EVENT_TYPE_PREFIX, IntegrationEvent
from contracts.events.analytics import JourneySnapshotUpdated
from contracts.events.notifications import NotificationDelivered, NotificationFailed
from contracts.events.registry import (
    ApiKeyIssued,
    ApiKeyRevoked,
    ContractEnded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    OrganisationRegistered,
    OrganisationUpdated,
    OrientationCompleted,
    OverstayRiskFlagged,
    PlacementAccepted,
    PlacementDeclined,
    PlacementOffered,
    RecruitmentFeeReported,
    WelfareCheckRecorded,
    WorkerArrived,
    WorkerAssigned,
    WorkerContactDetailsChanged,
    WorkerDeparted,
    WorkerProfileUpdated,
    WorkerRegistered,
    WorkerReturned,
    WorkerScreened,
    WorkerWithdrawn,
)
from contracts.events.visa import (
    CertificateOfSponsorshipAssigned,
    VisaApplicationSubmitted,
    VisaBiometricsRecorded,
    VisaCaseClosed,
    VisaCaseOpened,
    VisaExpiring,
    VisaGranted,
    VisaRefused,
)
from contracts.topics import DEAD_LETTER_PARTITIONS, SERVICES, TOPICS, dead_letter_topic

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Grouped by topic, in journey order; the order is also the order of the generated documents.
EVENT_MODELS: tuple[type[IntegrationEvent], ...] = (
    WorkerRegistered,
    WorkerProfileUpdated,
    WorkerScreened,
    OrientationCompleted,
    PlacementOffered,
    PlacementAccepted,
    PlacementDeclined,
    WorkerAssigned,
    WorkerWithdrawn,
    WorkerDeparted,
    WorkerArrived,
    WelfareCheckRecorded,
    GrievanceRaised,
    GrievanceReferred,
    GrievanceResolved,
    RecruitmentFeeReported,
    ContractEnded,
    WorkerReturned,
    OverstayRiskFlagged,
    WorkerContactDetailsChanged,
    OrganisationRegistered,
    OrganisationUpdated,
    ApiKeyIssued,
    ApiKeyRevoked,
    VisaCaseOpened,
    CertificateOfSponsorshipAssigned,
    VisaApplicationSubmitted,
    VisaBiometricsRecorded,
    VisaGranted,
    VisaRefused,
    VisaExpiring,
    VisaCaseClosed,
    NotificationDelivered,
    NotificationFailed,
    JourneySnapshotUpdated,
)

Models = tuple[type[IntegrationEvent], ...]


@cache
def _by_type() -> dict[str, type[IntegrationEvent]]:
    return {model.event_type(): model for model in EVENT_MODELS}


def model_for_type(event_type: str) -> type[IntegrationEvent]:
    """The payload model of a CloudEvents ``type``; raises KeyError for an unknown type."""
    return _by_type()[event_type]


def events_on_topic(topic_name: str, models: Models = EVENT_MODELS) -> Models:
    """The event models published on ``topic_name`` (empty for an unknown topic)."""
    return tuple(model for model in models if model.topic == topic_name)


def event_schema(model: type[IntegrationEvent]) -> dict[str, Any]:
    """The JSON Schema of a payload as it appears on the wire.

    Serialization mode describes what producers emit (decimals as strings, for instance);
    ``required`` still lists only fields without a default, which is what a consumer's model
    demands when it replays an old event.
    """
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = model.schema_id()
    schema["x-event-type"] = model.event_type()
    schema["x-topic"] = model.topic
    return schema


def catalogue_document(models: Models = EVENT_MODELS) -> dict[str, Any]:
    """Topics, their keys, producers, consumers and event types, for non-Python readers."""
    consumers = sorted({service for topic in TOPICS for service in topic.consumers})
    return {
        "event_type_prefix": EVENT_TYPE_PREFIX,
        "services": list(SERVICES),
        "topics": [
            {
                "name": topic.name,
                "description": topic.description,
                "partitions": topic.partitions,
                "key": topic.key,
                "producer": topic.producer,
                "consumers": list(topic.consumers),
                "personal_data": topic.personal_data,
                **({"compacted": True} if topic.compacted else {}),
                "events": [_event_entry(model) for model in events_on_topic(topic.name, models)],
            }
            for topic in TOPICS
        ],
        "dead_letter_topics": [
            {"consumer": service, "name": dead_letter_topic(service)} for service in consumers
        ],
        "dead_letter_partitions": DEAD_LETTER_PARTITIONS,
    }


def _event_entry(model: type[IntegrationEvent]) -> dict[str, Any]:
    return {
        "type": model.event_type(),
        "name": model.event_name,
        "version": model.event_version,
        "dataschema": model.schema_id(),
        "schema_file": model.schema_file_name(),
        "description": (model.__doc__ or "").strip().splitlines()[0],
    }
