"""AsyncAPI 3.0 documents, one per service, built from the topic and event catalogue.

Services serve ``asyncapi_document(name)`` at runtime; the same documents are committed under
``contracts/asyncapi/``. Payload schemas are the committed JSON Schemas with their ``$defs``
moved to ``components/schemas``, so every reference resolves inside the one document.
"""

from __future__ import annotations

import copy
from typing import Any

from contracts.base import IntegrationEvent
from contracts.catalogue import EVENT_MODELS, Models, event_schema, events_on_topic
from contracts.envelope import CONTENT_TYPE_HEADER, HEADER_PREFIX, JSON_CONTENT_TYPE
from contracts.topics import (
    DEAD_LETTER_PARTITIONS,
    SERVICES,
    Topic,
    dead_letter_topic,
    topics_consumed_by,
    topics_produced_by,
)

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "1.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
ENVELOPE_TRAIT = "cloudEventsBinaryMode"
DEAD_LETTER_MESSAGE = "DeadLetter"
Document = dict[str, Any]


def asyncapi_document(service: str, models: Models = EVENT_MODELS) -> Document:
    """The AsyncAPI document of ``service``: what it sends and receives, and its dead letters."""
    if service not in SERVICES:
        raise KeyError(service)
    doc = _Builder(models)
    for topic in topics_produced_by(service):
        doc.add_topic(topic, "send")
    for topic in topics_consumed_by(service):
        doc.add_topic(topic, "receive")
    if topics_consumed_by(service):
        doc.add_dead_letter(service)
    return doc.document(service)


class _Builder:
    def __init__(self, models: Models) -> None:
        self._models = models
        self.channels: Document = {}
        self.operations: Document = {}
        self.messages: Document = {}
        self.schemas: Document = {}

    def add_topic(self, topic: Topic, action: str) -> None:
        channel_id = _component_id(topic.name)
        models = events_on_topic(topic.name, self._models)
        message_ids = [self._add_event(model, topic) for model in models]
        self.channels[channel_id] = {
            "address": topic.name,
            "title": topic.name,
            "description": _channel_description(topic),
            "messages": {mid: {"$ref": f"#/components/messages/{mid}"} for mid in message_ids},
            "bindings": {
                "kafka": _topic_binding(topic.name, topic.partitions, compacted=topic.compacted)
            },
            "x-personal-data": topic.personal_data,
        }
        verb = "Publishes" if action == "send" else "Consumes"
        self.operations[f"{action}-{channel_id}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"{verb} {topic.name}, keyed by {topic.key}.",
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{mid}"} for mid in message_ids
            ],
        }

    def add_dead_letter(self, service: str) -> None:
        name = dead_letter_topic(service)
        channel_id = _component_id(name)
        self.messages[DEAD_LETTER_MESSAGE] = _dead_letter_message()
        self.channels[channel_id] = {
            "address": name,
            "title": name,
            "description": f"Records the {service} service could not apply after retries.",
            "messages": {
                DEAD_LETTER_MESSAGE: {"$ref": f"#/components/messages/{DEAD_LETTER_MESSAGE}"}
            },
            "bindings": {"kafka": _topic_binding(name, DEAD_LETTER_PARTITIONS)},
        }
        self.operations[f"send-{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": "Parks a record that still fails after retries; a command replays it.",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{DEAD_LETTER_MESSAGE}"}],
        }

    def _add_event(self, model: type[IntegrationEvent], topic: Topic) -> str:
        message_id = _component_id(f"{model.event_name}V{model.event_version}")
        self.schemas[message_id] = self._hoist(event_schema(model))
        self.messages[message_id] = _event_message(model, message_id, topic)
        return message_id

    def _hoist(self, schema: Document) -> Document:
        schema = copy.deepcopy(schema)
        for key in ("$schema", "$id"):
            schema.pop(key, None)  # an embedded $id would re-base the references below
        for name, definition in schema.pop("$defs", {}).items():
            rebased = _rebase_refs(definition)
            if self.schemas.setdefault(name, rebased) != rebased:
                raise ValueError(f"two different schemas are both named {name!r}")
        payload: Document = _rebase_refs(schema)
        return payload

    def document(self, service: str) -> Document:
        return {
            "asyncapi": ASYNCAPI_VERSION,
            "id": f"urn:sws:service:{service}",
            "info": {
                "title": f"SWS {service} service events",
                "version": DOCUMENT_VERSION,
                "description": (
                    f"Kafka topics the {service} service publishes and consumes. Events use "
                    "CloudEvents 1.0 in the Kafka binary content mode; the broker address "
                    "comes from KAFKA_BOOTSTRAP_SERVERS."
                ),
            },
            "defaultContentType": JSON_CONTENT_TYPE,
            "channels": self.channels,
            "operations": self.operations,
            "components": {
                "messages": self.messages,
                "schemas": self.schemas,
                "messageTraits": {ENVELOPE_TRAIT: _envelope_trait()},
            },
        }


def _component_id(name: str) -> str:
    # AsyncAPI component and channel ids allow only letters, digits, '-' and '_'.
    return name.replace(".", "-")


def _rebase_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/$defs/", "#/components/schemas/")
            if key == "$ref" and isinstance(value, str)
            else _rebase_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebase_refs(item) for item in node]
    return node


def _channel_description(topic: Topic) -> str:
    text = f"{topic.description} Produced by {topic.producer}; consumed by "
    text += (", ".join(topic.consumers) or "analytics outside these services") + "."
    if topic.compacted:
        text += " Compacted: the latest record of each key is kept."
    if topic.personal_data:
        text += " Carries personal data: only the listed consumers may subscribe."
    return text


def _topic_binding(name: str, partitions: int, *, compacted: bool = False) -> Document:
    binding: Document = {
        "topic": name,
        "partitions": partitions,
        "bindingVersion": KAFKA_BINDING_VERSION,
    }
    if compacted:
        binding["topicConfiguration"] = {"cleanup.policy": ["compact"]}
    return binding


def _event_message(model: type[IntegrationEvent], message_id: str, topic: Topic) -> Document:
    doc = (model.__doc__ or "").strip()
    return {
        "name": model.event_type(),
        "title": model.event_name,
        "summary": doc.splitlines()[0] if doc else model.event_name,
        "contentType": JSON_CONTENT_TYPE,
        "headers": {
            "type": "object",
            "properties": {
                f"{HEADER_PREFIX}type": {"type": "string", "const": model.event_type()},
                f"{HEADER_PREFIX}dataschema": {"type": "string", "const": model.schema_id()},
            },
        },
        "payload": {"$ref": f"#/components/schemas/{message_id}"},
        "correlationId": {
            "description": "Correlates the events caused by one request.",
            "location": f"$message.header#/{HEADER_PREFIX}correlationid",
        },
        "traits": [{"$ref": f"#/components/messageTraits/{ENVELOPE_TRAIT}"}],
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"The {topic.key}: keeps its events in order on one partition.",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _string(description: str, **extra: Any) -> Document:
    return {"type": "string", "description": description, **extra}


def _envelope_trait() -> Document:
    p = HEADER_PREFIX
    return {
        "summary": "CloudEvents 1.0, Kafka protocol binding, binary content mode.",
        "headers": {
            "type": "object",
            "required": [
                CONTENT_TYPE_HEADER,
                f"{p}id",
                f"{p}source",
                f"{p}type",
                f"{p}specversion",
                f"{p}time",
            ],
            "properties": {
                CONTENT_TYPE_HEADER: _string("Media type of the value.", const=JSON_CONTENT_TYPE),
                f"{p}id": _string("Unique event id; consumers de-duplicate on it."),
                f"{p}source": _string("URI reference of the producing service."),
                f"{p}type": _string("Event type, sws.<EventName>.v<version>."),
                f"{p}specversion": _string("CloudEvents version.", const="1.0"),
                f"{p}subject": _string("The aggregate the event is about (its id)."),
                f"{p}time": _string("When it happened.", format="date-time"),
                f"{p}dataschema": _string("URN of the payload's JSON Schema."),
                f"{p}organisationid": _string("The organisation that owns the aggregate."),
                f"{p}correlationid": _string("Correlation id of the originating request."),
                f"{p}aggregateversion": _string(
                    "Version of the aggregate after this event (decimal integer).",
                    pattern="^[0-9]+$",
                ),
                f"{p}traceparent": _string("W3C trace context at publication."),
                f"{p}tracestate": _string("W3C trace state at publication."),
                "traceparent": _string("W3C trace context of the latest hop (wins over ce_)."),
                "tracestate": _string("W3C trace state of the latest hop."),
            },
        },
    }


def _dead_letter_message() -> Document:
    return {
        "name": "dead-letter",
        "title": "Dead letter",
        "summary": "A record this service could not apply after its retries.",
        "description": (
            "The original record's key, value and ce_* headers, unchanged so that it can be "
            "replayed, plus headers describing the failure."
        ),
        "headers": {
            "type": "object",
            "properties": {
                "dlq_consumer": _string("The consumer group (service) that gave up."),
                "dlq_original_topic": _string("Where the record was read from."),
                "dlq_original_partition": _string("Its partition (empty if unknown)."),
                "dlq_original_offset": _string("Its offset (empty if unknown)."),
                "dlq_error": _string("The last error: exception type and message."),
                "dlq_attempts": _string("How many times applying it was tried."),
                "dlq_failed_at": _string("When the consumer gave up (ISO 8601)."),
            },
            "required": ["dlq_consumer", "dlq_original_topic", "dlq_error", "dlq_attempts"],
            "additionalProperties": {"type": "string"},
        },
        "payload": {"description": "The original record's value, unchanged (may be invalid)."},
    }
