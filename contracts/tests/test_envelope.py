"""The CloudEvents envelope survives the Kafka binary-mode binding; malformed records do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import CloudEvent, MalformedEventError, from_kafka, to_kafka_headers

Headers = list[tuple[str, bytes]]

# Any Unicode except lone surrogates, which no UTF-8 header can carry, and NUL, which no
# database can store (CloudEvent refuses it).
_chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
_text = st.text(_chars, min_size=1, max_size=40)
_optional_text = st.none() | st.text(_chars, max_size=40)
_offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-3, minutes=-30))]
)
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=_offsets
)
_traceparents = st.none() | st.from_regex(r"\A00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\Z")

cloud_events = st.builds(
    CloudEvent,
    id=_text,
    source=_text,
    type=_text,
    subject=_optional_text,
    time=_times,
    dataschema=_optional_text,
    partitionkey=_optional_text,
    organisationid=_optional_text,
    correlationid=_optional_text,
    aggregateversion=st.none() | st.integers(min_value=1, max_value=2**53),
    traceparent=_traceparents,
    tracestate=_optional_text,
    data=st.binary(max_size=256),
)


def as_record(event: CloudEvent) -> tuple[bytes | None, bytes, Headers]:
    """What a Kafka producer would send for ``event``."""
    key = None if event.partitionkey is None else event.partitionkey.encode()
    headers = [(name, value.encode()) for name, value in to_kafka_headers(event).items()]
    return key, event.data, headers


@settings(database=None, max_examples=200)
@given(cloud_events)
def test_every_event_round_trips_through_kafka_headers(event: CloudEvent) -> None:
    key, value, headers = as_record(event)
    assert from_kafka(key, value, headers) == event


@settings(database=None)
@given(cloud_events)
def test_binary_mode_puts_attributes_in_ce_headers_and_the_key_in_the_record_key(
    event: CloudEvent,
) -> None:
    headers = to_kafka_headers(event)
    assert headers["ce_id"] == event.id
    assert headers["ce_specversion"] == "1.0"
    assert headers["content-type"] == event.datacontenttype
    assert "ce_partitionkey" not in headers
    assert "ce_data" not in headers
    if event.traceparent is not None:
        assert headers["traceparent"] == headers["ce_traceparent"] == event.traceparent


def test_the_plain_trace_header_of_the_latest_hop_wins() -> None:
    event = _event(traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", tracestate="x=1")
    key, value, headers = as_record(event)
    latest = "00-" + "c" * 32 + "-" + "d" * 16 + "-01"
    headers = [(n, v) for n, v in headers if n != "traceparent"] + [
        ("traceparent", latest.encode())
    ]
    received = from_kafka(key, value, headers)
    assert received.traceparent == latest
    assert received.tracestate == "x=1"


def test_the_record_key_becomes_the_partition_key() -> None:
    _, value, headers = as_record(_event())
    assert from_kafka(b"worker-1", value, headers).partitionkey == "worker-1"
    assert from_kafka(None, value, headers).partitionkey is None


def test_a_missing_value_is_empty_data() -> None:
    _, _, headers = as_record(_event())
    assert from_kafka(None, None, headers).data == b""


def test_missing_ce_id_is_malformed() -> None:
    _, value, headers = as_record(_event())
    with pytest.raises(MalformedEventError):
        from_kafka(None, value, [(n, v) for n, v in headers if n != "ce_id"])


def test_non_utf8_header_is_malformed() -> None:
    _, value, headers = as_record(_event())
    with pytest.raises(MalformedEventError, match="UTF-8"):
        from_kafka(None, value, [*headers, ("ce_subject", b"\xff\xfe")])


def test_non_utf8_key_is_malformed() -> None:
    _, value, headers = as_record(_event())
    with pytest.raises(MalformedEventError, match="UTF-8"):
        from_kafka(b"\xc3\x28", value, headers)


def test_a_nul_character_in_an_attribute_or_the_key_is_malformed() -> None:
    """No consumer's database can store it, so the event could never be recorded as applied."""
    _, value, headers = as_record(_event())
    bad = [(n, b"id\x00" if n == "ce_id" else v) for n, v in headers]
    with pytest.raises(MalformedEventError, match="NUL"):
        from_kafka(None, value, bad)
    with pytest.raises(MalformedEventError, match="NUL"):
        from_kafka(b"k\x00", value, headers)


def test_bad_time_is_malformed() -> None:
    _, value, headers = as_record(_event())
    bad = [(n, b"yesterday" if n == "ce_time" else v) for n, v in headers]
    with pytest.raises(MalformedEventError):
        from_kafka(None, value, bad)


def test_wrong_specversion_is_malformed() -> None:
    _, value, headers = as_record(_event())
    bad = [(n, b"0.3" if n == "ce_specversion" else v) for n, v in headers]
    with pytest.raises(MalformedEventError):
        from_kafka(None, value, bad)


def test_a_record_without_headers_is_malformed() -> None:
    with pytest.raises(MalformedEventError):
        from_kafka(b"key", b"{}", [])


def _event(**changes: object) -> CloudEvent:
    fields: dict[str, object] = {
        "id": "0b1c",
        "source": "/registry",
        "type": "sws.WorkerRegistered.v1",
        "subject": "w-1",
        "time": datetime(2025, 1, 1, tzinfo=UTC),
        "partitionkey": "w-1",
        "data": b'{"a": 1}',
    }
    return CloudEvent.model_validate({**fields, **changes})
