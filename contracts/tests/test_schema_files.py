"""Committed contract files are fresh, and generation refuses breaking overwrites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Literal

import pytest

from contracts import IntegrationEvent, WorkerRegistered
from contracts.__main__ import main
from contracts.catalogue import event_schema
from contracts.schema_files import (
    GENERATE_COMMAND,
    BreakingChangeError,
    check,
    default_root,
    expected_files,
    generate,
    render,
)
from contracts.topics import WORKER_TOPIC

CONTRACTS_DIR = Path(__file__).resolve().parents[1]


class Probe(IntegrationEvent):
    """A test event. Published by the tests."""

    topic: ClassVar[str] = WORKER_TOPIC.name
    event_name: ClassVar[str] = "Probe"

    worker_id: str
    sector: Literal["horticulture", "poultry"]
    note: str | None = None


class ProbeNarrowed(IntegrationEvent):
    """The same event version with a breaking change: an enum value and a field are gone."""

    topic: ClassVar[str] = WORKER_TOPIC.name
    event_name: ClassVar[str] = "Probe"

    worker_id: str
    sector: Literal["horticulture"]


class ProbeWidened(IntegrationEvent):
    """The same event version with compatible changes: a wider enum, a new optional field."""

    topic: ClassVar[str] = WORKER_TOPIC.name
    event_name: ClassVar[str] = "Probe"

    worker_id: str
    sector: Literal["horticulture", "poultry", "dairy"]
    note: str | None = None
    route: str | None = None


class ProbeV2(IntegrationEvent):
    """The next version, free to differ."""

    topic: ClassVar[str] = WORKER_TOPIC.name
    event_name: ClassVar[str] = "Probe"
    event_version: ClassVar[int] = 2

    worker_id: int
    season: int


def test_committed_files_match_the_models() -> None:
    assert default_root() == CONTRACTS_DIR
    problems = check(CONTRACTS_DIR)
    assert not problems, (
        "contract files are out of date with the models:\n  "
        + "\n  ".join(problems)
        + f"\nrun `{GENERATE_COMMAND}` from the repository root and commit the result"
    )


def test_generated_files_are_deterministic_sorted_and_end_with_a_newline() -> None:
    first, second = expected_files(), expected_files()
    assert first == second
    for path, text in first.items():
        assert text.endswith("}\n"), path
        assert render(json.loads(text)) == text, path


def test_schema_files_name_their_id_topic_and_type() -> None:
    schema = event_schema(WorkerRegistered)
    assert schema["$id"] == "urn:sws:schema:WorkerRegistered:v1"
    assert schema["x-topic"] == "registry.worker.v1"
    assert schema["x-event-type"] == "sws.WorkerRegistered.v1"
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_generate_into_an_empty_directory_then_check_is_clean(tmp_path: Path) -> None:
    result = generate(tmp_path)
    assert "schemas/WorkerRegistered.v1.json" in result.write
    assert (tmp_path / "schemas" / "catalogue.json").is_file()
    assert (tmp_path / "asyncapi" / "reporting.json").is_file()
    assert check(tmp_path) == []
    assert generate(tmp_path).write == {}


def test_check_reports_stale_missing_and_extra_files(tmp_path: Path) -> None:
    generate(tmp_path)
    (tmp_path / "asyncapi" / "visa.json").write_text("{}\n")
    (tmp_path / "schemas" / "VisaGranted.v1.json").unlink()
    (tmp_path / "asyncapi" / "old.json").write_text("{}\n")
    assert check(tmp_path) == [
        "missing: schemas/VisaGranted.v1.json",
        "stale: asyncapi/visa.json",
        "extra: asyncapi/old.json",
    ]


def test_generate_refuses_a_breaking_overwrite(tmp_path: Path) -> None:
    generate(tmp_path, (Probe,))
    committed = (tmp_path / "schemas" / "Probe.v1.json").read_text()
    with pytest.raises(BreakingChangeError) as raised:
        generate(tmp_path, (ProbeNarrowed,))
    message = str(raised.value)
    assert "Probe.v1: property 'note' was removed" in message
    assert "Probe.v1: 'sector' no longer allows the values ['poultry']" in message
    assert "new event_version" in message
    assert (tmp_path / "schemas" / "Probe.v1.json").read_text() == committed
    assert any(p.startswith("breaking: Probe.v1") for p in check(tmp_path, (ProbeNarrowed,)))


def test_allow_breaking_overwrites(tmp_path: Path) -> None:
    generate(tmp_path, (Probe,))
    generate(tmp_path, (ProbeNarrowed,), allow_breaking=True)
    assert check(tmp_path, (ProbeNarrowed,)) == []


def test_a_compatible_change_is_written(tmp_path: Path) -> None:
    generate(tmp_path, (Probe,))
    result = generate(tmp_path, (ProbeWidened,))
    assert "schemas/Probe.v1.json" in result.write


def test_a_new_event_version_is_a_separate_file(tmp_path: Path) -> None:
    generate(tmp_path, (Probe,))
    generate(tmp_path, (Probe, ProbeV2))
    assert (tmp_path / "schemas" / "Probe.v1.json").read_text() == render(event_schema(Probe))
    assert json.loads((tmp_path / "schemas" / "Probe.v2.json").read_text())["$id"] == (
        "urn:sws:schema:Probe:v2"
    )
    catalogue = json.loads((tmp_path / "schemas" / "catalogue.json").read_text())
    worker_topic = next(t for t in catalogue["topics"] if t["name"] == WORKER_TOPIC.name)
    assert [e["type"] for e in worker_topic["events"]] == ["sws.Probe.v1", "sws.Probe.v2"]


def test_dropping_an_event_version_is_breaking(tmp_path: Path) -> None:
    generate(tmp_path, (Probe, ProbeV2))
    with pytest.raises(BreakingChangeError, match=r"Probe\.v1: the schema would be deleted"):
        generate(tmp_path, (ProbeV2,))
    generate(tmp_path, (ProbeV2,), allow_breaking=True)
    assert not (tmp_path / "schemas" / "Probe.v1.json").exists()


def test_cli_check_and_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert GENERATE_COMMAND in capsys.readouterr().err
    assert main(["generate", "--root", str(tmp_path)]) == 0
    assert main(["check", "--root", str(tmp_path)]) == 0


def test_cli_generate_refuses_breaking_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["generate", "--root", str(tmp_path)])
    path = tmp_path / "schemas" / "WorkerRegistered.v1.json"
    published = json.loads(path.read_text())
    published["properties"]["nickname"] = {"type": "string"}  # as if a field had been dropped
    path.write_text(render(published))
    capsys.readouterr()
    assert main(["generate", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "WorkerRegistered.v1: property 'nickname' was removed" in err
    assert "event_version" in err
    assert main(["generate", "--root", str(tmp_path), "--allow-breaking"]) == 0
    assert main(["check", "--root", str(tmp_path)]) == 0
