"""Personal data stays on the one topic that is marked as carrying it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from contracts import EVENT_MODELS, TOPICS, WORKER_CONTACT_TOPIC, WorkerRegistered
from contracts.catalogue import event_schema
from contracts.topics import NOTIFICATIONS

# Property names that identify or reach a person: the IIN, document numbers, contacts, names.
PERSONAL = re.compile(
    r"(^|_)(iin|passport_(number|no)|document_number|phone|mobile|msisdn|e_?mail"
    r"|full_name|first_name|last_name|given_name|family_name|surname|patronymic|middle_name"
    r"|address|date_of_birth_and_name)($|_)"
)
PUBLIC_TOPICS = {topic.name for topic in TOPICS if not topic.personal_data}


def property_names(node: Any) -> Iterator[str]:
    """Every property name in a schema, nested objects and definitions included."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield from properties
        for value in node.values():
            yield from property_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from property_names(item)


@pytest.mark.parametrize(
    "model", [m for m in EVENT_MODELS if m.topic in PUBLIC_TOPICS], ids=lambda m: m.__name__
)
def test_no_personal_properties_on_topics_without_personal_data(model: Any) -> None:
    leaks = sorted({name for name in property_names(event_schema(model)) if PERSONAL.search(name)})
    assert not leaks, f"{model.__name__} on {model.topic} carries {leaks}"


def test_the_pattern_catches_what_it_must() -> None:
    for name in (
        "iin",
        "passport_number",
        "phone",
        "email",
        "full_name",
        "first_name",
        "last_name",
        "worker_email",
        "phone_number",
    ):
        assert PERSONAL.search(name), name
    for name in ("farm_name", "name", "channel", "placement_id", "key_hash"):
        assert not PERSONAL.search(name), name


def test_contacts_travel_only_to_notifications() -> None:
    assert WORKER_CONTACT_TOPIC.personal_data
    assert WORKER_CONTACT_TOPIC.consumers == (NOTIFICATIONS,)
    on_topic = [m for m in EVENT_MODELS if m.topic == WORKER_CONTACT_TOPIC.name]
    assert [m.event_name for m in on_topic] == ["WorkerContactDetailsChanged"]


def test_worker_registered_carries_no_identifiers_beyond_the_ids() -> None:
    assert not {"iin", "passport_number", "full_name", "phone", "email"} & set(
        WorkerRegistered.model_fields
    )
