"""The AsyncAPI documents: complete, self-contained and true to the topic catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.asyncapi import asyncapi_document
from contracts.catalogue import events_on_topic
from contracts.topics import (
    SERVICES,
    dead_letter_topic,
    topics_consumed_by,
    topics_produced_by,
)

COMPONENT_ID = re.compile(r"^[A-Za-z0-9_\-]+$")


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("service", SERVICES)
def test_every_reference_resolves_inside_the_document(service: str) -> None:
    document = asyncapi_document(service)
    assert document["asyncapi"] == "3.0.0"
    for ref in refs(document):
        assert ref.startswith("#/"), ref
        resolve(document, ref)


@pytest.mark.parametrize("service", SERVICES)
def test_channels_are_the_topics_the_service_uses(service: str) -> None:
    document = asyncapi_document(service)
    addresses = {channel["address"] for channel in document["channels"].values()}
    expected = {t.name for t in topics_produced_by(service) + topics_consumed_by(service)}
    if topics_consumed_by(service):
        expected.add(dead_letter_topic(service))
    assert addresses == expected
    for name in [
        *document["channels"],
        *document["operations"],
        *document["components"]["messages"],
    ]:
        assert COMPONENT_ID.match(name), name


@pytest.mark.parametrize("service", SERVICES)
def test_operations_send_what_it_produces_and_receive_what_it_consumes(service: str) -> None:
    document = asyncapi_document(service)
    actions = {
        resolve(document, op["channel"]["$ref"])["address"]: op["action"]
        for op in document["operations"].values()
    }
    for topic in topics_produced_by(service):
        assert actions[topic.name] == "send"
    for topic in topics_consumed_by(service):
        assert actions[topic.name] == "receive"
        channel = resolve(document, f"#/channels/{topic.name.replace('.', '-')}")
        assert len(channel["messages"]) == len(events_on_topic(topic.name))
    if topics_consumed_by(service):
        assert actions[dead_letter_topic(service)] == "send"


def test_messages_carry_the_cloudevents_binary_mode_trait() -> None:
    document = asyncapi_document("registry")
    trait = document["components"]["messageTraits"]["cloudEventsBinaryMode"]
    headers = trait["headers"]["properties"]
    assert {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "traceparent"} <= set(
        headers
    )
    message = document["components"]["messages"]["WorkerRegisteredV1"]
    assert message["name"] == "sws.WorkerRegistered.v1"
    assert message["traits"] == [{"$ref": "#/components/messageTraits/cloudEventsBinaryMode"}]
    assert "worker_id" in message["bindings"]["kafka"]["key"]["description"]
    payload = resolve(document, message["payload"]["$ref"])
    assert "$id" not in payload
    assert "worker_id" in payload["properties"]


def test_personal_data_channel_is_marked() -> None:
    channels = asyncapi_document("notifications")["channels"]
    assert channels["registry-worker-contact-v1"]["x-personal-data"] is True
    assert channels["registry-worker-v1"]["x-personal-data"] is False


def test_unknown_service_is_refused() -> None:
    with pytest.raises(KeyError):
        asyncapi_document("billing")
