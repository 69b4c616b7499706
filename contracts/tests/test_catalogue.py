"""The catalogue: every event is on a known topic, has a unique type and can be looked up."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

import contracts
from contracts import (
    EVENT_MODELS,
    TOPICS,
    CloudEvent,
    IntegrationEvent,
    WorkerRegistered,
    events_on_topic,
    from_kafka,
    model_for_type,
    to_kafka_headers,
)

# The journey in DOMAIN.md, stage by stage, and the events that record it.
JOURNEY: dict[str, tuple[str, ...]] = {
    "registered": (
        "WorkerRegistered",
        "WorkerProfileUpdated",
        "WorkerContactDetailsChanged",
        "WorkerAssigned",
    ),
    "screened": ("WorkerScreened",),
    "oriented": ("OrientationCompleted",),
    "matched": ("PlacementOffered", "PlacementAccepted", "PlacementDeclined"),
    "visa": (
        "VisaCaseOpened",
        "CertificateOfSponsorshipAssigned",
        "VisaApplicationSubmitted",
        "VisaBiometricsRecorded",
        "VisaGranted",
        "VisaRefused",
        "VisaExpiring",
        "VisaCaseClosed",
    ),
    "departed and arrived": ("WorkerDeparted", "WorkerArrived"),
    "in the UK": (
        "WelfareCheckRecorded",
        "GrievanceRaised",
        "GrievanceReferred",
        "GrievanceResolved",
        "RecruitmentFeeReported",
    ),
    "contract ended and returned": ("ContractEnded", "WorkerReturned", "OverstayRiskFlagged"),
    "withdrawn": ("WorkerWithdrawn",),
    "organisations": (
        "OrganisationRegistered",
        "OrganisationUpdated",
        "ApiKeyIssued",
        "ApiKeyRevoked",
    ),
    "notifications": ("NotificationDelivered", "NotificationFailed"),
    "analytics": ("JourneySnapshotUpdated",),
}
_MODELS_BY_NAME = {model.event_name: model for model in EVENT_MODELS}


def _examples(model: type[IntegrationEvent]) -> list[dict[str, Any]]:
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    if not isinstance(examples, list):
        return []
    return [example for example in examples if isinstance(example, dict)]


@pytest.mark.parametrize("stage", sorted(JOURNEY))
def test_every_stage_of_the_journey_has_its_events(stage: str) -> None:
    missing = [name for name in JOURNEY[stage] if name not in _MODELS_BY_NAME]
    assert not missing, f"no event model for {missing} ({stage})"


def test_every_event_belongs_to_the_journey() -> None:
    listed = {name for names in JOURNEY.values() for name in names}
    assert set(_MODELS_BY_NAME) == listed


def test_every_model_is_on_a_catalogue_topic() -> None:
    topic_names = {topic.name for topic in TOPICS}
    for model in EVENT_MODELS:
        assert model.topic in topic_names, model.__name__


def test_event_types_and_schema_files_are_unique() -> None:
    types = [model.event_type() for model in EVENT_MODELS]
    files = [model.schema_file_name() for model in EVENT_MODELS]
    assert len(set(types)) == len(types)
    assert len(set(files)) == len(files)


def test_model_for_type_finds_every_model_and_rejects_unknown_types() -> None:
    for model in EVENT_MODELS:
        assert model_for_type(model.event_type()) is model
    with pytest.raises(KeyError):
        model_for_type("sws.NoSuchThing.v1")


def test_events_on_topic_partitions_the_catalogue() -> None:
    on_topics = [model for topic in TOPICS for model in events_on_topic(topic.name)]
    assert sorted(m.__name__ for m in on_topics) == sorted(m.__name__ for m in EVENT_MODELS)
    assert events_on_topic("no.such.topic.v1") == ()


def test_every_model_is_documented_and_exported() -> None:
    for model in EVENT_MODELS:
        doc = inspect.getdoc(model) or ""
        assert "Published by" in doc, f"{model.__name__} does not say who publishes it"
        assert model.__name__ in contracts.__all__


def test_worker_registered_has_exactly_the_agreed_fields() -> None:
    assert list(WorkerRegistered.model_fields) == [
        "worker_id",
        "organisation_id",
        "region",
        "sex",
        "date_of_birth",
        "preferred_language",
        "passport_expiry",
        "registered_at",
    ]


@pytest.mark.parametrize(
    "model", [m for m in EVENT_MODELS if _examples(m)], ids=lambda m: m.__name__
)
def test_schema_examples_are_valid_payloads(model: type[IntegrationEvent]) -> None:
    for example in _examples(model):
        event = model.model_validate(example)
        assert model.model_validate_json(event.model_dump_json()) == event


def test_money_travels_as_a_fixed_scale_string() -> None:
    example = _examples(_MODELS_BY_NAME["PlacementOffered"])[0]
    event = _MODELS_BY_NAME["PlacementOffered"].model_validate({**example, "hourly_wage": "12.5"})
    dumped = event.model_dump(mode="json")
    assert dumped["hourly_wage"] == "12.50"
    with pytest.raises(ValidationError):
        _MODELS_BY_NAME["PlacementOffered"].model_validate({**example, "hourly_wage": "1.234"})


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValidationError):
        _registered(registered_at=datetime(2025, 1, 1, 12, 0))


def test_a_payload_travels_inside_a_cloud_event() -> None:
    event = _registered()
    envelope = CloudEvent.create(
        event, source="/registry", subject=str(event.worker_id), key=str(event.worker_id)
    )
    headers = [(name, value.encode()) for name, value in to_kafka_headers(envelope).items()]
    received = from_kafka(str(event.worker_id).encode(), envelope.data, headers)
    assert received.type == "sws.WorkerRegistered.v1"
    assert received.dataschema == WorkerRegistered.schema_id()
    assert received.payload(model_for_type(received.type)) == event


def _registered(**changes: object) -> WorkerRegistered:
    fields: dict[str, object] = {
        "worker_id": uuid4(),
        "organisation_id": uuid4(),
        "region": "Turkistan",
        "sex": "female",
        "date_of_birth": date(1999, 3, 1),
        "preferred_language": "ru",
        "passport_expiry": date(2030, 1, 1),
        "registered_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    return WorkerRegistered.model_validate({**fields, **changes})
